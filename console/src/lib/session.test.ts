import { describe, expect, it } from "vitest";

import { getApiKey, keyIdOf, signIn, signOut } from "./session";

describe("session", () => {
  it("keeps the key in sessionStorage only, and sign-out removes it", () => {
    signIn("trg_abcdefghijkl_secret");
    expect(sessionStorage.length).toBe(1);
    expect(localStorage.length).toBe(0);
    expect(getApiKey()).toBe("trg_abcdefghijkl_secret");
    signOut();
    expect(getApiKey()).toBeNull();
    expect(sessionStorage.length).toBe(0);
  });

  it("reads the key id a key carries", () => {
    expect(keyIdOf("trg_abcdefghij12_0123456789")).toBe("abcdefghij12");
    expect(keyIdOf("not-a-key")).toBeNull();
  });
});
