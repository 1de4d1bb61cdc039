import { describe, expect, it } from "vitest";
import { readerLocale } from "../../i18n/reader-locale";

describe("readerLocale (the language for an address without one)", () => {
  it("keeps the language chosen before (the cookie the language switch sets)", () => {
    expect(readerLocale("th", "en-US,en;q=0.9")).toBe("th");
    expect(readerLocale("en", "th")).toBe("en");
  });

  it("otherwise takes the browser's best supported language, by quality", () => {
    expect(readerLocale(undefined, "th-TH,th;q=0.9,en;q=0.8")).toBe("th");
    expect(readerLocale(undefined, "fr-FR,fr;q=0.9,th;q=0.5,en;q=0.4")).toBe("th");
    expect(readerLocale(undefined, "en;q=0.2,th;q=0.8")).toBe("th");
    expect(readerLocale(undefined, "en-GB")).toBe("en");
  });

  it("falls back to English for an unknown cookie, no header, an unsupported or a malformed one", () => {
    expect(readerLocale("de", "de-DE")).toBe("en");
    expect(readerLocale(undefined, null)).toBe("en");
    expect(readerLocale(undefined, "")).toBe("en");
    expect(readerLocale(undefined, ";;;q=x,,,")).toBe("en");
    expect(readerLocale(undefined, "*")).toBe("en");
  });
});
