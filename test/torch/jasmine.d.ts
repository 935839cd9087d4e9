// The part of jasmine's runner API (jasmine ships no types) that tfjs-core-suite.mjs uses.
declare module 'jasmine' {
  interface SpecResult {
    status: string;
    fullName: string;
    failedExpectations: { message?: string }[];
  }
  export default class Jasmine {
    constructor(options: { projectBaseDir: string });
    exitOnCompletion: boolean;
    loadConfig(config: { spec_files: string[]; random: boolean }): void;
    env: {
      clearReporters(): void;
      addReporter(reporter: { specDone(result: SpecResult): void }): void;
      configure(options: { specFilter: (spec: { getFullName(): string }) => boolean }): void;
    };
    execute(): Promise<{ overallStatus: string }>;
  }
}
