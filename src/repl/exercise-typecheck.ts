import * as path from 'node:path';
import { typescript } from './input-source';

/**
 * The type errors of a learner's file as their editor shows them, against the workspace's
 * tsconfig (`pop3-playground` resolving to the client): `fetcher.ts:12:5 TS2345 message`, one
 * per error. Nothing stops on them: the run goes ahead (transpiled only).
 */
export function typeErrorsOf(file: string, tsconfig: string): string[] {
  const ts = typescript();
  const config = ts.getParsedCommandLineOfConfigFile(tsconfig, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined });
  const program = ts.createProgram({ rootNames: [file], options: { ...(config?.options ?? {}), noEmit: true } });
  return ts
    .getPreEmitDiagnostics(program, program.getSourceFile(file))
    .filter((d) => d.category === ts.DiagnosticCategory.Error)
    .map((d) => {
      const at = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
      const where = at ? `:${at.line + 1}:${at.character + 1}` : '';
      return `${path.basename(file)}${where} TS${d.code} ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
    });
}
