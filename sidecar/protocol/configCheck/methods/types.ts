import type { ConfigRule } from '../tree';

/** A method's part of the config check, registered by the method's name. */
export interface MethodConfigRules {
  /** pretext defaults that differ from the schema's, filled before the schema's. */
  pretextDefaults?: Readonly<Record<string, unknown>>;
  /** What only this method's configs must obey, after the common rules. */
  rules: readonly ConfigRule[];
}
