import { useSyncExternalStore } from "react";

/**
 * The signed-in API key. It lives in sessionStorage only: it leaves with the tab, is never written
 * to localStorage, and sign-out removes it.
 */
const STORAGE_KEY = "triggers.apiKey";
const listeners = new Set<() => void>();

export function getApiKey(): string | null {
  return sessionStorage.getItem(STORAGE_KEY);
}

export function signIn(key: string): void {
  sessionStorage.setItem(STORAGE_KEY, key);
  notify();
}

export function signOut(): void {
  sessionStorage.removeItem(STORAGE_KEY);
  notify();
}

function notify(): void {
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useApiKey(): string | null {
  return useSyncExternalStore(subscribe, getApiKey);
}

const KEY_ID = /^trg_([0-9a-z]{12})_/;

/** The key id a key carries (`trg_<key id>_…`): what is cached about a key is filed under it, never under the key. */
export function keyIdOf(key: string): string | null {
  return KEY_ID.exec(key)?.[1] ?? null;
}
