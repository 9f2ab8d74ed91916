// A mobile number as typed, with the country chosen beside it, in E.164 (what the
// API takes): the country's calling code, then the national number without its
// trunk 0 (07700 900123 in the United Kingdom is +447700900123; Italy keeps its
// 0). A number typed with its own + or 00 is taken as it is.
export function e164(callingCode: string, typed: string): string {
  const digits = typed.replace(/[\s().-]/g, "");
  if (digits.startsWith("+")) return digits;
  if (digits.startsWith("00")) return `+${digits.slice(2)}`;
  return `+${callingCode}${callingCode === "39" ? digits : digits.replace(/^0/, "")}`;
}
