import { describe, expect, it } from "vitest";
import { METADATA_MAX_BYTES, mergeMetadata, metadataBytes, publicMetadata } from "../../lib/core/metadata";

describe("METADATA_MAX_BYTES", () => {
  it("is 16 KiB", () => {
    expect(METADATA_MAX_BYTES).toBe(16384);
  });
});

describe("mergeMetadata", () => {
  it("adds new keys and overwrites existing ones", () => {
    expect(mergeMetadata({ a: 1, b: 2 }, { b: 3, c: 4 })).toEqual({ a: 1, b: 3, c: 4 });
  });

  it("replaces nested objects rather than deep merging", () => {
    const merged = mergeMetadata({ nested: { x: 1, y: 2 }, keep: true }, { nested: { z: 3 } });
    expect(merged).toEqual({ nested: { z: 3 }, keep: true });
    expect(merged.nested).not.toHaveProperty("x");
  });

  it("replaces arrays rather than concatenating", () => {
    expect(mergeMetadata({ tags: ["a", "b"] }, { tags: ["c"] })).toEqual({ tags: ["c"] });
  });

  it("lets an update set a value to null", () => {
    expect(mergeMetadata({ a: 1 }, { a: null })).toEqual({ a: null });
  });

  it("returns the current metadata unchanged when there is no update", () => {
    const current = { a: 1 };
    expect(mergeMetadata(current, undefined)).toBe(current);
  });

  it("an empty update changes nothing", () => {
    expect(mergeMetadata({ a: 1 }, {})).toEqual({ a: 1 });
  });

  it("does not mutate its inputs", () => {
    const current = { a: 1, n: { x: 1 } };
    const update = { b: 2 };
    const merged = mergeMetadata(current, update);
    expect(current).toEqual({ a: 1, n: { x: 1 } });
    expect(update).toEqual({ b: 2 });
    expect(merged).not.toBe(current);
  });
});

describe("publicMetadata", () => {
  it("drops keys that look like credentials, in any case", () => {
    const input = {
      password: "p",
      Password: "p",
      PASSWORD: "p",
      db_password: "p",
      secret: "s",
      clientSecret: "s",
      SECRET_VALUE: "s",
      token: "t",
      github_token: "t",
      AccessToken: "t",
      key: "k",
      API_KEY: "k",
      apiKey: "k",
      keyboard: "contains key",
      monkey: "contains key",
    };
    expect(publicMetadata(input)).toEqual({});
  });

  it("keeps other keys and their values untouched", () => {
    const nested = { password: "inner keys are not inspected" };
    const input = { version: "1.2.3", region: "eu-west-1", count: 3, nested, pass: "x", tok: "y", sec: "z" };
    const out = publicMetadata(input);
    expect(out).toEqual(input);
    expect(out.nested).toBe(nested);
  });

  it("filters a mixed object", () => {
    expect(publicMetadata({ host: "web-1", API_KEY: "abc", Password: "pw", github_token: "gh", keyboard: "qwerty", port: 80 })).toEqual({
      host: "web-1",
      port: 80,
    });
  });

  it("returns an empty object for empty input and does not mutate its input", () => {
    expect(publicMetadata({})).toEqual({});
    const input = { token: "t", ok: 1 };
    publicMetadata(input);
    expect(input).toEqual({ token: "t", ok: 1 });
  });
});

describe("metadataBytes", () => {
  it("counts the serialized JSON", () => {
    expect(metadataBytes({})).toBe(2); // {}
    expect(metadataBytes({ a: 1 })).toBe(JSON.stringify({ a: 1 }).length);
    expect(metadataBytes({ a: "bc" })).toBe(10); // {"a":"bc"}
  });

  it("counts UTF-8 bytes, not UTF-16 code units", () => {
    // é is 2 bytes, € is 3 bytes, 😀 is 4 bytes (2 UTF-16 code units).
    expect(metadataBytes({ a: "é" })).toBe(8 + 2);
    expect(metadataBytes({ a: "€" })).toBe(8 + 3);
    expect(metadataBytes({ a: "😀" })).toBe(8 + 4);
    expect(JSON.stringify({ a: "😀" }).length).toBe(10); // string length differs from byte length
  });

  it("counts escapes as serialized", () => {
    expect(metadataBytes({ a: '"' })).toBe(JSON.stringify({ a: '"' }).length); // {"a":"\""}
    expect(metadataBytes({ a: '"' })).toBe(10);
  });
});
