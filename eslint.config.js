// @ts-check
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import { readdirSync } from 'node:fs';

/** Libraries the pure domain core must never reach for. */
const impureModules = [
  'react',
  'react-*',
  'react/*',
  'dexie',
  'dexie-*',
  'jspdf',
  'jspdf-*',
  'node:*',
  'fs',
  'path',
];
/** Layers that depend on the domain; the domain depends on none of them. */
const outerLayers = ['**/storage/**', '**/app/**', '**/report/**', '**/cli/**', '**/server/**', '**/i18n/**'];
/** Browser globals: their presence in the domain would make it untestable in Node and unusable in the CLI. */
const domGlobals = [
  'window',
  'document',
  'navigator',
  'localStorage',
  'sessionStorage',
  'indexedDB',
  'fetch',
  'crypto',
  'location',
  'self',
];

const domainEntryOnly = {
  group: [
    '**/domain/*',
    '!**/domain/index',
    '!**/domain/index.ts',
    '!**/domain/head-office',
    '!**/domain/head-office.ts',
    '!**/domain/wire',
    '!**/domain/wire.ts',
  ],
  message: 'Import the domain only through src/domain/index.ts (or head-office.ts for head-office code).',
};
const features = readdirSync(new URL('./src/app/features', import.meta.url), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name);
/** A feature may use shared app code, never another feature: screens stay independent. */
const featureIsolation = features.map((feature) => ({
  files: [`src/app/features/${feature}/**`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          domainEntryOnly,
          {
            group: features
              .filter((f) => f !== feature)
              .flatMap((other) => [`../${other}`, `../${other}/**`, `**/features/${other}/**`]),
            message: `Features never import each other: move what ${feature} needs into src/app/components or hooks.`,
          },
        ],
      },
    ],
  },
}));

export default defineConfig(
  {
    ignores: [
      'dist/',
      'node_modules/',
      'coverage/',
      'rubrics/',
      'public/',
      'scripts/transcribe/',
      'dev-dist/',
      '.tmp/',
    ],
  },
  js.configs.recommended,
  tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['eslint.config.js'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // No `as` casts: unvalidated data goes through zod, known shapes use `satisfies`.
      '@typescript-eslint/consistent-type-assertions': ['error', { assertionStyle: 'never' }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      // The domain's public contract is src/domain/index.ts; deep imports from outside bypass it.
      'no-restricted-imports': ['error', { patterns: [domainEntryOnly] }],
    },
  },
  {
    files: ['src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: impureModules,
              message: 'src/domain is pure: no React, Dexie, jsPDF, DOM or Node modules.',
            },
            { group: outerLayers, message: 'src/domain must not depend on outer layers.' },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        ...domGlobals.map((name) => ({
          name,
          message: 'src/domain is pure: no DOM globals; pass capabilities in.',
        })),
      ],
    },
  },
  {
    files: ['src/**/*.test.ts', 'tests/**/*.ts'],
    rules: {
      'no-restricted-imports': 'off',
      'no-restricted-globals': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: ['src/app/**/*.tsx', 'src/app/**/*.ts'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      // Advice for the React Compiler, which this project does not use (react-hook-form's watch trips it).
      'react-hooks/incompatible-library': 'off',
    },
  },
  ...featureIsolation,
);
