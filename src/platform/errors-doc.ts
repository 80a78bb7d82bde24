// Prints docs/errors.md from the catalogue: `npx tsx src/platform/errors-doc.ts > docs/errors.md`.
import { renderErrorsMarkdown } from './errors.ts';

process.stdout.write(renderErrorsMarkdown());
