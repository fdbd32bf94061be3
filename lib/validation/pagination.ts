/**
 * `?page=N` of a paged list. Anything that is not a whole number from 1 to MAX_PAGE shows the first
 * page (a mistyped link should still show products, not an error); the bound keeps the database's
 * offset inside its integer range. Pure, so shared like every module of lib/validation.
 */
import { z } from "zod";

const MAX_PAGE = 100_000;

const pageParam = z.coerce.number().int().min(1).max(MAX_PAGE).catch(1);

export function pageFrom(value: string | string[] | undefined): number {
  return pageParam.parse(Array.isArray(value) ? value[0] : (value ?? 1));
}
