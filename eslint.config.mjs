// Lint: TypeScript rules plus Nx's module boundaries, which make the tags in each project.json mean something:
// the web never imports the API (nor the reverse), and the shared contracts import no framework.
import nx from '@nx/eslint-plugin';

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  { ignores: ['**/dist', '**/node_modules', '**/.nx', '**/.angular', '**/tmp', '**/.data', 'test-artifacts'] },
  {
    files: ['**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: true,
          allow: [],
          depConstraints: [
            { sourceTag: 'scope:api', onlyDependOnLibsWithTags: ['scope:api', 'scope:shared'] },
            { sourceTag: 'scope:web', onlyDependOnLibsWithTags: ['scope:web', 'scope:shared'] },
            { sourceTag: 'scope:e2e', onlyDependOnLibsWithTags: ['scope:e2e', 'scope:shared', 'scope:api', 'scope:web'] },
            { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
          ],
        },
      ],
      // Contracts are plain TypeScript: no framework, ORM or RxJS.
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    files: ['libs/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['@nestjs/*', '@angular/*', 'typeorm', 'rxjs', 'rxjs/*', 'class-validator', 'class-transformer'], message: 'libs/shared/contracts is plain TypeScript, used by both apps.' }] },
      ],
    },
  },
];
