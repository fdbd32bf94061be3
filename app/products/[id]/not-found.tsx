import Link from "next/link";

export default function ProductNotFound() {
  return (
    <section className="empty">
      <h1>Product not found</h1>
      <p>It may have been removed, or it is not listed yet.</p>
      <p>
        <Link href="/">Browse products for sale</Link>
      </p>
    </section>
  );
}
