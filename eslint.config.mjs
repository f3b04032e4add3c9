// Lint rules for every TypeScript file in the repo; generated bundles and dependencies are ignored.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
    { ignores: ["node_modules/**", "**/dist/**", "build/**", ".pulumi/**", ".policy-copy-*/**"] },
    js.configs.recommended,
    ...tseslint.configs.recommended,
    {
        files: ["**/*.ts"],
        rules: {
            "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
            "@typescript-eslint/no-explicit-any": "error",
            "no-console": "off",
            eqeqeq: ["error", "always"],
        },
    },
    {
        files: ["**/*.mjs", "**/*.js"],
        languageOptions: { globals: { process: "readonly", console: "readonly" } },
    },
);
