// Lint: typescript-eslint's recommended rules on every package's TypeScript, as botbuilder and the Agents SDK do.
// Formatting is prettier's job (npm run format:check), so no stylistic rules here.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
    { ignores: ['**/node_modules/**', '**/lib/**', 'test-output/**', 'bench/profiles/**', 'packages/sandbox/web/**'] },
    js.configs.recommended,
    ...tseslint.configs.recommended,
    {
        files: ['**/*.ts'],
        rules: {
            // Vendor payloads and SDK seams are untyped JSON; `any` is allowed where it is the honest type.
            '@typescript-eslint/no-explicit-any': 'off',
            // A `let` assigned once after a closure that reads it (wiring objects that refer to each other) is fine.
            'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
            '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
        },
    },
    {
        files: ['**/*.js', '**/*.mjs'],
        languageOptions: {
            globals: {
                require: 'readonly',
                module: 'writable',
                process: 'readonly',
                console: 'readonly',
                __dirname: 'readonly',
                Buffer: 'readonly',
                setTimeout: 'readonly',
                clearTimeout: 'readonly',
                setInterval: 'readonly',
                clearInterval: 'readonly',
                setImmediate: 'readonly',
                URL: 'readonly',
                global: 'readonly',
                exports: 'writable',
                performance: 'readonly',
                fetch: 'readonly',
                AbortController: 'readonly',
            },
        },
        rules: {
            '@typescript-eslint/no-require-imports': 'off',
            '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', caughtErrors: 'none' }],
        },
    }
);
