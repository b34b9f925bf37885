/**
 * The seeds a sandbox starts from: `demo` (one organisation with a Hosted and a Private platform,
 * every situation exrec plans for), `empty`, and `fleet:PxA` (P platforms of A accounts, for
 * benchmarks). Deterministic: dates are relative to the business clock at seeding time, and every
 * other choice comes from a seeded PRNG.
 */
import {
  PLACEHOLDER_DOMAIN,
  type ObjectState as AccountState,
  type ServiceOffer as ApiOffer,
  type Licence as License,
  type RenewPeriod as Renewal,
} from "./models.js";
import { defaultQuota, insertAccount, placeholderLogin } from "./accounts.js";
import { addDays, addMonths, parisDateOf, parisDateTime, parisMidnight, type CalendarDate } from "./dates.js";
import { SeedSpecError } from "./errors.js";
import { Prng } from "./prng.js";
import {
  emptyState,
  newService,
  nextId,
  type SandboxState,
  type ServiceRecord,
  type TaskFunction,
  type TaskEffect,
} from "./state.js";
import type { SeedSpec } from "./types.js";

/** Above this many accounts a fleet would not fit comfortably in memory and in a state file. */
const MAX_FLEET_ACCOUNTS = 1_000_000;

/** Reads `demo`, `empty`, `fleet:PxA` or `fleet:PxA:hosted|private|mixed`. */
export function parseSeed(text: string): SeedSpec {
  const trimmed = text.trim();
  if (trimmed === "demo") return { kind: "demo" };
  if (trimmed === "empty") return { kind: "empty" };
  if (!trimmed.startsWith("fleet")) throw new SeedSpecError(text, "expected demo, empty or fleet:PxA");
  const match = /^fleet:(\d+)x(\d+)(?::(hosted|private|mixed))?$/.exec(trimmed);
  if (!match) throw new SeedSpecError(text, "a fleet is written fleet:PxA, e.g. fleet:10x500");
  const platforms = Number(match[1]);
  const accounts = Number(match[2]);
  if (platforms < 1) throw new SeedSpecError(text, "a fleet needs at least one platform");
  if (platforms * accounts > MAX_FLEET_ACCOUNTS) {
    throw new SeedSpecError(
      text,
      `at most ${MAX_FLEET_ACCOUNTS} accounts in all (asked ${platforms * accounts})`,
    );
  }
  const offer = match[3] as "hosted" | "private" | "mixed" | undefined;
  return offer === undefined
    ? { kind: "fleet", platforms, accounts }
    : { kind: "fleet", platforms, accounts, offer };
}

/** The text `parseSeed` reads back into the same spec. */
export function seedText(spec: SeedSpec): string {
  if (spec.kind !== "fleet") return spec.kind;
  return `fleet:${spec.platforms}x${spec.accounts}${spec.offer ? `:${spec.offer}` : ""}`;
}

export function seedState(spec: SeedSpec, now: Date): SandboxState {
  const state = emptyState(seedText(spec), 0x5eed);
  // Ids in the ranges OVHcloud's look like, so that they are not mistaken for small indexes.
  state.counters = { account: 1000, task: 5_000_000, order: 210_000_000, detail: 900_000_000 };
  const builder = new SeedBuilder(state, now);
  if (spec.kind === "demo") seedDemo(builder);
  if (spec.kind === "fleet") seedFleet(builder, spec.platforms, spec.accounts, spec.offer ?? "mixed");
  state.rng = builder.prng.state;
  return state;
}

// ---------------------------------------------------------------------------------------------

interface SeedAccount {
  login: string;
  domain: string;
  license: License;
  /** Hosted only; Private accounts have none (P1). */
  renewal: Renewal | null;
  /** Days from today to the expiry (Hosted only). */
  expiresInDays: number | null;
  displayName: string | null;
  deleteAtExpiration?: boolean;
  configured?: boolean;
  state?: AccountState;
  /** A task that never ends by itself: the account stays transitional. */
  stuckTask?: { function: TaskFunction; effect: TaskEffect };
}

class SeedBuilder {
  readonly prng = new Prng(0x5eed);
  private readonly today: CalendarDate;
  private readonly midnights = new Map<number, string>();
  private readonly creationDates = new Map<number, string>();
  readonly nowText: string;

  constructor(
    readonly state: SandboxState,
    readonly now: Date,
  ) {
    this.today = parisDateOf(now);
    this.nowText = parisDateTime(now);
  }

  /** Midnight (Paris) `days` days from today; cached (like `monthsAgo`), since fleets ask the same few hundred. */
  midnight(days: number): string {
    let text = this.midnights.get(days);
    if (text === undefined) {
      text = parisMidnight(addDays(this.today, days));
      this.midnights.set(days, text);
    }
    return text;
  }

  monthsAgo(months: number): string {
    let text = this.creationDates.get(months);
    if (text === undefined) {
      text = parisMidnight(addMonths(this.today, -months));
      this.creationDates.set(months, text);
    }
    return text;
  }

  service(
    org: string,
    name: string,
    offer: ApiOffer,
    domains: readonly [string, ...string[]],
    displayName: string,
  ): ServiceRecord {
    let services = this.state.organizations.get(org);
    if (!services) {
      services = new Map();
      this.state.organizations.set(org, services);
    }
    const service = newService({
      name,
      offer,
      domain: domains[0],
      displayName,
      domains: [...domains],
      state: "ok",
      creationDate: this.monthsAgo(30),
    });
    services.set(name, service);
    return service;
  }

  account(service: ServiceRecord, seed: SeedAccount): void {
    const account = insertAccount(this.state, service, {
      login: seed.login,
      domain: seed.domain,
      displayName: seed.displayName,
      firstName: null,
      lastName: null,
      accountLicense: seed.license,
      renewPeriod: seed.renewal,
      deleteAtExpiration: seed.renewal === null ? null : (seed.deleteAtExpiration ?? false),
      expirationDate: seed.expiresInDays === null ? null : this.midnight(seed.expiresInDays),
      creationDate: this.monthsAgo(this.prng.int(2, 40)),
      configured: seed.configured ?? true,
      state: seed.state ?? "ok",
      taskPendingId: null,
      quota: defaultQuota(seed.license),
      currentUsage: seed.configured === false ? 0 : this.prng.int(10, 9000),
    });
    if (seed.stuckTask) {
      const id = nextId(this.state, "task");
      service.tasks.set(id, {
        id,
        function: seed.stuckTask.function,
        status: "doing",
        todoDate: this.nowText,
        finishDate: null,
        accountId: account.id,
        address: `${account.login}@${account.domain}`,
        effect: seed.stuckTask.effect,
        createdAtMs: 0,
        dueAtMs: null,
        fails: false,
      });
      service.openTasks.add(id);
      account.taskPendingId = id;
    }
  }

  /** Expiry within the account's current period: up to a month, or up to a year. */
  expiryFor(renewal: Renewal): number {
    return renewal === "monthly" ? this.prng.int(1, 30) : this.prng.int(1, 364);
  }
}

// ---------------------------------------------------------------------------------------------
// demo

const DEMO = {
  organization: "hosted-ab12345-1",
  hostedService: "hosted-ab12345-1",
  privateService: "private-ab12345-1",
  hostedDomains: ["acme.example", "acme-corp.example"],
  privateDomain: "globex.example",
} as const;

const FIRST_NAMES = [
  "Henri",
  "Ines",
  "Jules",
  "Karim",
  "Lea",
  "Marc",
  "Nora",
  "Olivier",
  "Paul",
  "Quentin",
  "Rose",
  "Sarah",
  "Theo",
  "Ursula",
];
const LAST_NAMES = [
  "Bernard",
  "Thomas",
  "Robert",
  "Richard",
  "Simon",
  "Michel",
  "Lefebvre",
  "Garcia",
  "David",
  "Bertrand",
  "Roux",
  "Vincent",
  "Fournier",
  "Morel",
] as const;
const PRIVATE_NAMES = ["Victor", "Wendy", "Xavier", "Yasmine", "Zoe", "Adele", "Bruno", "Celine"];

function seedDemo(b: SeedBuilder): void {
  const [acme, acmeCorp] = DEMO.hostedDomains;
  const hosted = b.service(
    DEMO.organization,
    DEMO.hostedService,
    "hosted",
    [...DEMO.hostedDomains],
    "Acme (Hosted Exchange)",
  );
  const named: SeedAccount[] = [
    // Declared as is in examples/demo.yaml: nothing to do.
    {
      login: "alice",
      domain: acme,
      license: "standard",
      renewal: "yearly",
      expiresInDays: 214,
      displayName: "Alice Martin",
    },
    // Declared yearly: a renewal change, effective at its expiry (H2, H3).
    {
      login: "bob",
      domain: acme,
      license: "basic",
      renewal: "monthly",
      expiresInDays: 12,
      displayName: "Bob Durand",
    },
    // Terminating (expire at term) but declared present: cancel the termination.
    {
      login: "carol",
      domain: acme,
      license: "standard",
      renewal: "yearly",
      expiresInDays: 45,
      displayName: "Carol Petit",
      deleteAtExpiration: true,
    },
    // Declared absent on a `removal: reset` platform: terminate (H4) and reset (H5).
    {
      login: "dave",
      domain: acme,
      license: "basic",
      renewal: "monthly",
      expiresInDays: 19,
      displayName: "Dave Moreau",
    },
    // Declared with another display name: an update.
    {
      login: "erin",
      domain: acme,
      license: "standard",
      renewal: "yearly",
      expiresInDays: 160,
      displayName: "Erin Leroy",
    },
    // A task in progress: the plan waits for it.
    {
      login: "frank",
      domain: acme,
      license: "standard",
      renewal: "monthly",
      expiresInDays: 8,
      displayName: "Frank Girard",
      stuckTask: { function: "setAccount", effect: "release" },
    },
    // Protected in the manifest.
    {
      login: "ceo",
      domain: acme,
      license: "enterprise",
      renewal: "yearly",
      expiresInDays: 300,
      displayName: "Claire Dubois",
    },
    // Live but not declared: unmanaged.
    {
      login: "contact",
      domain: acmeCorp,
      license: "basic",
      renewal: "yearly",
      expiresInDays: 97,
      displayName: "Acme Corp Contact",
    },
  ];
  for (const seed of named) b.account(hosted, seed);
  // Two blank accounts, paid for and not yet given an address (reused before ordering, H1).
  for (const [license, renewal, days] of [
    ["basic", "monthly", 25],
    ["standard", "yearly", 330],
  ] as const) {
    b.account(hosted, {
      login: placeholderLogin(hosted, b.prng),
      domain: PLACEHOLDER_DOMAIN,
      license,
      renewal,
      expiresInDays: days,
      displayName: null,
      configured: false,
    });
  }
  FIRST_NAMES.forEach((first, i) => {
    const renewal = b.prng.pick(["monthly", "yearly"] as const);
    b.account(hosted, {
      login: first.toLowerCase(),
      domain: i % 4 === 3 ? acmeCorp : acme,
      license: b.prng.pick(["basic", "standard", "standard", "enterprise"] as const),
      renewal,
      expiresInDays: b.expiryFor(renewal),
      displayName: `${first} ${LAST_NAMES[i]}`,
    });
  });

  const globex = DEMO.privateDomain;
  const priv = b.service(
    DEMO.organization,
    DEMO.privateService,
    "dedicated",
    [globex],
    "Globex (Private Exchange)",
  );
  const privateNamed: SeedAccount[] = [
    // Declared with the standard licence: an update.
    {
      login: "ivan",
      domain: globex,
      license: "basic",
      renewal: null,
      expiresInDays: null,
      displayName: "Ivan Bernard",
    },
    // Declared absent: deleted at once (P3).
    {
      login: "judy",
      domain: globex,
      license: "standard",
      renewal: null,
      expiresInDays: null,
      displayName: "Judy Lambert",
    },
    // Being added: the plan waits for it.
    {
      login: "oscar",
      domain: globex,
      license: "standard",
      renewal: null,
      expiresInDays: null,
      displayName: "Oscar Faure",
      state: "creating",
      stuckTask: { function: "addAccount", effect: "add" },
    },
    {
      login: "it",
      domain: globex,
      license: "enterprise",
      renewal: null,
      expiresInDays: null,
      displayName: "Globex IT",
    },
  ];
  for (const seed of privateNamed) b.account(priv, seed);
  for (const first of PRIVATE_NAMES) {
    b.account(priv, {
      login: first.toLowerCase(),
      domain: globex,
      license: b.prng.pick(["basic", "standard", "enterprise"] as const),
      renewal: null,
      expiresInDays: null,
      displayName: `${first} ${b.prng.pick(LAST_NAMES)}`,
    });
  }
}

// ---------------------------------------------------------------------------------------------
// fleet

const FLEET_LICENSES: readonly [License, ...License[]] = ["basic", "standard", "standard", "enterprise"];

function seedFleet(
  b: SeedBuilder,
  platforms: number,
  accounts: number,
  offer: "hosted" | "private" | "mixed",
): void {
  // Records are built directly (no intermediate objects, no spreads): 100k accounts must seed fast.
  const counters = b.state.counters;
  for (let p = 1; p <= platforms; p++) {
    const hosted = offer === "hosted" || (offer === "mixed" && p % 2 === 1);
    const number = String(p).padStart(3, "0");
    const name = `fleet-${hosted ? "hosted" : "private"}-${number}`;
    const domain = `fleet${number}.example`;
    const service = b.service(name, name, hosted ? "hosted" : "dedicated", [domain], `Fleet ${number}`);
    for (let a = 1; a <= accounts; a++) {
      const renewal: Renewal | null = hosted ? (b.prng.next() < 0.5 ? "monthly" : "yearly") : null;
      const license = b.prng.pick(FLEET_LICENSES);
      const login = `user${String(a).padStart(5, "0")}`;
      counters.account += 1;
      service.accounts.set(`${login}@${domain}`, {
        id: counters.account,
        login,
        domain,
        displayName: `User ${a}`,
        firstName: null,
        lastName: null,
        accountLicense: license,
        renewPeriod: renewal,
        deleteAtExpiration: renewal === null ? null : false,
        expirationDate: renewal === null ? null : b.midnight(b.expiryFor(renewal)),
        creationDate: b.monthsAgo(b.prng.int(2, 40)),
        configured: true,
        state: "ok",
        taskPendingId: null,
        quota: defaultQuota(license),
        currentUsage: b.prng.int(10, 9000),
      });
    }
  }
}
