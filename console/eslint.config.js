import js from "@eslint/js";
import jsxA11y from "eslint-plugin-jsx-a11y";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist", "src/api/schema.d.ts"] },
  {
    files: ["**/*.{ts,tsx}"],
    extends: [
      js.configs.recommended,
      ...tseslint.configs.strictTypeChecked,
      ...tseslint.configs.stylisticTypeChecked,
      reactHooks.configs.flat.recommended,
      jsxA11y.flatConfigs.strict,
    ],
    languageOptions: {
      globals: globals.browser,
      parserOptions: { project: ["./tsconfig.json", "./tsconfig.node.json"], tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/restrict-template-expressions": ["error", { allowNumber: true }],
      // A scrollable region must be reachable by keyboard (axe: scrollable-region-focusable).
      "jsx-a11y/no-noninteractive-tabindex": ["error", { tags: [], roles: ["region"] }],
      // Checkbox labels hold the scope in <code> inside a <span>.
      "jsx-a11y/label-has-associated-control": ["error", { depth: 3 }],
      // Features never import each other (bulletproof-react): shared code lives in components/ and lib/.
      "no-restricted-imports": ["error", { patterns: [{ group: ["@/features/*/*"], message: "Import a feature only from src/app." }] }],
    },
  },
  {
    files: ["src/app/**"],
    rules: { "no-restricted-imports": "off" },
  },
  {
    files: ["vite.config.ts", "scripts/**"],
    languageOptions: { globals: globals.node },
  },
);
