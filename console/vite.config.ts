import { fileURLToPath, URL } from "node:url";

import tailwindcss from "@tailwindcss/vite";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

// `npm run dev` proxies the API to the local stack (`make run`), so the console stays same-origin as deployed.
const localStack = process.env.TRIGGERS_URL ?? "http://127.0.0.1:8080";

export default defineConfig({
  plugins: [react(), tailwindcss()],
  resolve: { alias: { "@": fileURLToPath(new URL("./src", import.meta.url)) } },
  server: {
    proxy: Object.fromEntries(["/v1", "/openapi.json", "/docs"].map((path) => [path, localStack])),
  },
  build: {
    target: "es2022",
    // The report in scripts/report-size.ts prints what a first visit downloads, gzipped.
    reportCompressedSize: false,
    manifest: true,
  },
  test: {
    environment: "jsdom",
    setupFiles: ["./src/testing/setup.ts"],
    restoreMocks: true,
  },
});
