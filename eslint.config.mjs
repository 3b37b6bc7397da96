import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      '.vscode-test/**',
      '.cache/**',
      'test-results/**',
      'dist-vsix/**',
    ],
  },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'smart'],
      'no-console': 'off',
    },
  },
  {
    // Core modules run in plain Node (and the webview in a browser): no VS Code API, not even its
    // types. The layer order itself is checked by dependency-cruiser (.dependency-cruiser.cjs).
    files: [
      'src/util/**',
      'src/constants.ts',
      'src/net/**',
      'src/dandi/**',
      'src/session/**',
      'src/hdf5/**',
      'src/zarr/**',
      'src/video/**',
      'src/shared/**',
      'src/nwb/**',
      'src/notebook/**',
      'src/download/**',
      'media/**',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'vscode', message: 'This layer runs without VS Code.' }] },
      ],
    },
  },
);
