"use client";
import { useId, useState, type FormEvent } from "react";
import {
  createProductSchema,
  DESCRIPTION_MAX,
  fieldErrors,
  parsePriceInput,
  TITLE_MAX,
  updateProductSchema,
  type CreateProductInput,
  type Product,
  type UpdateProductInput,
} from "@/lib/validation/products";

type Values = { title: string; description: string; price: string; status: "draft" | "active" };

type ProductFormProps =
  | { mode: "create"; onSubmit: (input: CreateProductInput) => Promise<void>; onCancel?: never; product?: never }
  | { mode: "edit"; product: Product; onSubmit: (input: UpdateProductInput) => Promise<void>; onCancel: () => void };

/**
 * The create and edit forms: the same fields and the same zod rules as the API, checked before
 * sending so mistakes are explained next to the field. The server still has the last word.
 */
export function ProductForm(props: ProductFormProps) {
  const id = useId();
  const initial: Values = props.product
    ? {
        title: props.product.title,
        description: props.product.description,
        price: String(props.product.price),
        status: "draft",
      }
    : { title: "", description: "", price: "", status: "draft" };
  const [values, setValues] = useState<Values>(initial);
  const [errors, setErrors] = useState<Partial<Record<string, string>>>({});
  const [submitError, setSubmitError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const set = (field: keyof Values) => (event: { target: { value: string } }) =>
    setValues((current) => ({ ...current, [field]: event.target.value }));

  /** Sends valid input; a refusal (or a lost connection) is shown above the form, which keeps its values. */
  async function send(save: () => Promise<void>, clearAfter: boolean) {
    setErrors({});
    setSubmitError(null);
    setBusy(true);
    try {
      await save();
      if (clearAfter) setValues(initial);
    } catch (failure) {
      setSubmitError(failure instanceof Error ? failure.message : "Saving failed.");
    } finally {
      setBusy(false);
    }
  }

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const raw = { title: values.title, description: values.description, price: parsePriceInput(values.price) };
    if (props.mode === "create") {
      const parsed = createProductSchema.safeParse({ ...raw, status: values.status });
      if (!parsed.success) return setErrors(fieldErrors(parsed.error));
      await send(() => props.onSubmit(parsed.data), true);
    } else {
      const parsed = updateProductSchema.safeParse(raw);
      if (!parsed.success) return setErrors(fieldErrors(parsed.error));
      await send(() => props.onSubmit(parsed.data), false);
    }
  }

  const field = (name: "title" | "description" | "price") => ({
    id: `${id}-${name}`,
    name,
    value: values[name],
    onChange: set(name),
    "aria-invalid": errors[name] ? true : undefined,
    "aria-describedby": errors[name] ? `${id}-${name}-error` : undefined,
  });
  const errorFor = (name: string) =>
    errors[name] && (
      <span id={`${id}-${name}-error`} className="field-error">
        {errors[name]}
      </span>
    );

  return (
    <form
      className="form"
      onSubmit={onSubmit}
      noValidate
      aria-label={props.mode === "create" ? "New listing" : `Edit ${props.product.title}`}
    >
      {submitError && (
        <p role="alert" className="alert">
          {submitError}
        </p>
      )}
      <label htmlFor={`${id}-title`}>Title</label>
      <input {...field("title")} maxLength={TITLE_MAX} autoComplete="off" />
      {errorFor("title")}
      <label htmlFor={`${id}-description`}>Description</label>
      <textarea {...field("description")} rows={3} maxLength={DESCRIPTION_MAX} />
      {errorFor("description")}
      <label htmlFor={`${id}-price`}>Price (USD)</label>
      <input {...field("price")} inputMode="decimal" autoComplete="off" />
      {errorFor("price")}
      {props.mode === "create" && (
        <fieldset className="status-choice">
          <legend>Status</legend>
          {(["draft", "active"] as const).map((status) => (
            <label key={status} className="inline">
              <input
                type="radio"
                name="status"
                value={status}
                checked={values.status === status}
                onChange={set("status")}
              />
              {status === "draft" ? "Draft (only you see it)" : "Active (listed for sale)"}
            </label>
          ))}
        </fieldset>
      )}
      {errorFor("form")}
      <div className="form-actions">
        <button type="submit" disabled={busy}>
          {props.mode === "create" ? "Create listing" : "Save changes"}
        </button>
        {props.mode === "edit" && (
          <button type="button" className="secondary" onClick={props.onCancel}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}
