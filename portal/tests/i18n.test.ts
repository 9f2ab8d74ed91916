// The three catalogues say the same things: the same keys, the same {names}.
import { describe, expect, test } from "vitest";
import en from "../src/i18n/en.json";
import es from "../src/i18n/es.json";
import fr from "../src/i18n/fr.json";

const names = (text: string): string[] => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? "").sort();

describe("the translations", () => {
  for (const [language, catalogue] of Object.entries({ fr, es })) {
    test(`${language} has every English key, no other, with the same placeholders`, () => {
      expect(Object.keys(catalogue).sort()).toEqual(Object.keys(en).sort());
      for (const [key, text] of Object.entries(en)) {
        expect(names((catalogue as Record<string, string>)[key] ?? ""), key).toEqual(names(text));
      }
    });
  }
});
