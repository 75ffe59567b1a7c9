/** "order.*, invoice.paid" → ["order.*", "invoice.paid"]: commas or whitespace separate, duplicates go. */
export function parseEventTypes(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).filter(Boolean))];
}
