/**
 * Two reports every renderer test uses: one with an item of every kind and standing (and values
 * that need escaping), and one with no drift at all.
 */
import { detectDrift, type DriftReport } from "../../reconciler/drift.js";
import { parseIgnore } from "../../reconciler/drift/ignore.js";
import {
  absent,
  actual,
  blank,
  context,
  desired,
  hosted,
  journalEntry,
  live,
  livePlatform,
  present,
  privatePlatform,
  renewed,
} from "./builders.js";

/** A display name that would break Markdown tables and inject HTML if it were not escaped. */
export const HOSTILE_NAME = `Ops | <img src=x onerror=alert(1)> @acme/admins [x](javascript:alert(1)) *bold* & "quoted"`;

export function richReport(): DriftReport {
  return detectDrift(
    desired(
      hosted(
        [
          present("alice@acme.example", { renewal: "yearly", license: "standard" }),
          present("bob@acme.example", { displayName: HOSTILE_NAME }),
          present("carol@acme.example", { renewal: "yearly" }),
          present("dave@acme.example", { license: "enterprise" }),
          present("erin@acme.example"),
          present("new@acme.example", { license: "standard" }),
          absent("frank@acme.example"),
          absent("gina@acme.example"),
          present("old@legacy.example", { license: "basic" }),
        ],
        { prune: true },
      ),
      privatePlatform([present("ian@corp.example", { license: "standard" })], {
        organization: "corp",
        service: "private-1",
      }),
    ),
    actual(
      livePlatform([
        live("alice@acme.example", { renewal: "monthly", expirationDate: "2026-09-30T00:00:00+02:00" }),
        live("bob@acme.example", { displayName: "Bob" }),
        live("carol@acme.example", { renewal: "yearly", expirationDate: "2027-01-31T00:00:00+01:00" }),
        live("dave@acme.example", { license: "enterprise", state: "internalMigration" }),
        live("erin@acme.example", { deleteAtExpiration: true, expirationDate: "2026-06-30T00:00:00+02:00" }),
        live("frank@acme.example", { deleteAtExpiration: true, expirationDate: "2026-08-31T00:00:00+02:00" }),
        live("gina@acme.example", { renewal: "monthly", expirationDate: "2026-05-31T00:00:00+02:00" }),
        live("old@legacy.example", { license: "standard" }),
        blank(1, { license: "enterprise", expirationDate: "2026-10-31T00:00:00+01:00" }),
      ]),
      livePlatform(
        [
          live("ian@corp.example", {
            renewal: null,
            deleteAtExpiration: null,
            expirationDate: "2026-05-31T00:00:00+02:00",
          }),
          live("jane@corp.example", { renewal: null, deleteAtExpiration: null, expirationDate: null }),
        ],
        { apiOffer: "dedicated", organization: "corp", service: "private-1" },
      ),
    ),
    context({
      history: [renewed("carol@acme.example", { effective: "2027-01-31" })],
      journal: [journalEntry()],
      ignore: parseIgnore("*@legacy.example license", ".exrecignore"),
    }),
  );
}

export function emptyReport(): DriftReport {
  return detectDrift(
    desired(hosted([present("alice@acme.example", { renewal: "yearly" })])),
    actual(livePlatform([live("alice@acme.example")])),
    context(),
  );
}
