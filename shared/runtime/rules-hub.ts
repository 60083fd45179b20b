/**
 * The rules in force in this process: the config file's `rules:` plus rules managed through
 * the API (kept in the `rules` state space, so they survive restarts and reach every
 * process). Any change — a PUT, a DELETE, another process's change, a config reload —
 * recompiles the whole set into the shared RuleBook, which running processors re-bind at
 * their next batch with their detectors' state untouched.
 */
import { vigilError } from '../errors.ts';
import type { CalendarLookup } from '../pipeline/environment.ts';
import { ruleReferenceProblems, ruleSchema, type RuleConfig } from '../pipeline/rule-schema.ts';
import { compileRule, type RuleBook } from '../pipeline/rules.ts';
import type { ServiceContext } from './context.ts';
import { StateSpace } from './state-space.ts';

export const RULES_SPACE = 'rules';

export type RuleSource = 'file' | 'api';

export interface ListedRule {
  rule: RuleConfig;
  source: RuleSource;
}

export class RulesHub {
  private file: readonly RuleConfig[];
  private readonly api = new Map<string, RuleConfig>();
  private readonly space: StateSpace;

  constructor(
    private readonly ctx: ServiceContext,
    private readonly book: RuleBook,
    private readonly calendars: CalendarLookup,
    private readonly detectorIds: readonly string[],
    fileRules: readonly RuleConfig[],
  ) {
    this.file = fileRules;
    this.space = new StateSpace(ctx, RULES_SPACE);
  }

  async start(): Promise<void> {
    await this.space.start((id, value) => {
      if (value === null) this.api.delete(id);
      else {
        const parsed = ruleSchema.safeParse(value);
        if (!parsed.success) {
          this.ctx.log.warn({ rule: id, code: 'VGL_ERR_CONFIG_INVALID' }, 'saved rule ignored: invalid');
          return;
        }
        this.api.set(id, parsed.data);
      }
      this.rebuild();
    });
    this.rebuild();
  }

  list(): ListedRule[] {
    const fileIds = new Set(this.file.map((r) => r.id));
    return [
      ...this.file.map((rule) => ({ rule, source: 'file' as const })),
      ...[...this.api.values()]
        .filter((r) => !fileIds.has(r.id))
        .map((rule) => ({ rule, source: 'api' as const })),
    ];
  }

  get(id: string): ListedRule | undefined {
    return this.list().find((r) => r.rule.id === id);
  }

  /** Problems with `rule` as an API rule: references, and ids taken by the config file. */
  problems(rule: RuleConfig): string[] {
    const out = ruleReferenceProblems([rule], {
      calendars: (n) => this.calendars.has(n),
      detectorIds: this.detectorIds,
    }).map((p) => `${p.path.slice(1).join('.')}: ${p.message}`);
    if (this.file.some((r) => r.id === rule.id))
      out.push(`id: rule "${rule.id}" is defined in the config file; change it there`);
    return out;
  }

  /** Saves and applies an API rule (validated by the caller with `ruleSchema` and `problems`). */
  async put(rule: RuleConfig): Promise<void> {
    const problems = this.problems(rule);
    if (problems.length > 0)
      throw vigilError('VGL_ERR_CONFIG_INVALID', [problems.join('; ')], { context: { problems } });
    await this.space.save(rule.id, rule);
    this.api.set(rule.id, rule);
    this.rebuild();
  }

  /** Deletes an API rule; false when there is none by that id. */
  async delete(id: string): Promise<boolean> {
    if (!this.api.has(id)) return false;
    await this.space.save(id, null);
    this.api.delete(id);
    this.rebuild();
    return true;
  }

  /** A config reload: the file's rules are now `rules` (already validated). */
  setFileRules(rules: readonly RuleConfig[]): void {
    this.file = rules;
    for (const r of rules)
      if (this.api.has(r.id))
        this.ctx.log.warn(
          { rule: r.id },
          'the config file now defines a rule of the same id as an API rule; the file wins',
        );
    this.rebuild();
  }

  async stop(): Promise<void> {
    await this.space.stop();
  }

  private rebuild(): void {
    this.book.replace(this.list().map((r) => compileRule(r.rule, this.calendars)));
  }
}
