import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { routing } from "../../i18n/routing";

// Every language has every message: the same keys, and no empty text.

const dir = path.resolve(import.meta.dirname, "../../messages");
type Tree = { [key: string]: string | Tree };
const load = (locale: string): Tree => JSON.parse(fs.readFileSync(path.join(dir, `${locale}.json`), "utf8"));

function leaves(tree: Tree, prefix = ""): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const at = prefix ? `${prefix}.${key}` : key;
    if (typeof value === "string") out.set(at, value);
    else for (const [k, v] of leaves(value, at)) out.set(k, v);
  }
  return out;
}

/** The ICU arguments a message uses ({name}, {count, plural, …}), so translations keep them. */
function argumentsOf(message: string): string[] {
  return [...new Set([...message.matchAll(/\{\s*([A-Za-z_]\w*)\s*[,}]/g)].map((m) => m[1]))].sort();
}

// Proper names that read the same in every language.
const SAME_EVERYWHERE = new Set(["Channels.types.discord", "Channels.types.slack"]);

describe("messages", () => {
  const en = leaves(load("en"));

  it("has a file for every configured locale", () => {
    expect(fs.readdirSync(dir).sort()).toEqual(routing.locales.map((l) => `${l}.json`).sort());
  });

  for (const locale of routing.locales.filter((l) => l !== "en")) {
    const other = leaves(load(locale));
    it(`${locale} has exactly the English keys`, () => {
      expect([...other.keys()].sort()).toEqual([...en.keys()].sort());
    });
    it(`${locale} keeps every message's arguments and leaves none empty`, () => {
      for (const [key, text] of en) {
        expect(other.get(key)?.trim(), key).toBeTruthy();
        expect(argumentsOf(other.get(key) ?? ""), key).toEqual(argumentsOf(text));
      }
    });
    it(`${locale} is really translated`, () => {
      const same = [...en].filter(([key, text]) => !SAME_EVERYWHERE.has(key) && other.get(key) === text && /[a-z]{4,}/i.test(text) && !/^LaneSwap/.test(text));
      expect(same.map(([k]) => k)).toEqual([]);
    });
  }
});
