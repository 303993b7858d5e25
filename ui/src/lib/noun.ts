// What a record of the open history is called: "shipment" for Waybill's own,
// the model's name for an audit library's ("order", "invoice"…).

/** The plural of an English noun, as a list heading says it. */
export function plural(noun: string): string {
  if (/[^aeiou]y$/i.test(noun)) return `${noun.slice(0, -1)}ies`;
  if (/(s|x|z|ch|sh)$/i.test(noun)) return `${noun}es`;
  return `${noun}s`;
}

/** `noun` with its first letter capital. */
export function capital(noun: string): string {
  return noun.charAt(0).toUpperCase() + noun.slice(1);
}

/** "1 order", "3 orders". */
export function count(n: number, noun: string): string {
  return `${n.toLocaleString()} ${n === 1 ? noun : plural(noun)}`;
}
