/** After each journey file: how many answers the contract checks held to the services' documents (a violation throws at once). */
import path from 'node:path';
import { contractStats } from './http';

afterAll(() => {
  process.stdout.write(
    `contract: ${contractStats.checked} answers of ${path.basename(expect.getState().testPath ?? 'a suite')} checked against the services' OpenAPI documents\n`,
  );
});
