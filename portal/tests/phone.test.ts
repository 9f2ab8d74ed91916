// Numbers typed the way people write them at home become E.164.
import { describe, expect, test } from "vitest";
import { e164 } from "../src/phone";

describe("a typed mobile number", () => {
  test.each([
    ["44", "07700 900123", "+447700900123"],
    ["44", "7700-900-123", "+447700900123"],
    ["33", "06 12 34 56 78", "+33612345678"],
    ["34", "612 345 678", "+34612345678"],
    ["1", "(415) 555-0100", "+14155550100"],
    ["39", "0612 345678", "+390612345678"],
    ["44", "+33 6 12 34 56 78", "+33612345678"],
    ["44", "0033 6 12 34 56 78", "+33612345678"],
  ])("with +%s, %s is %s", (code, typed, expected) => {
    expect(e164(code, typed)).toBe(expected);
  });
});
