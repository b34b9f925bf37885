/**
 * The broken-manifest corpus: each entry a file under test/fixtures/broken/ (paths relative to the
 * repository root), the files loaded with it, and every problem validation must report, in order.
 * Reused by the CLI end-to-end tests: each must exit 1 without a single API request.
 */

export interface ExpectedProblem {
  /** The file the problem is in, when it is not the entry's `file` (a duplicate found in `extraFiles`). */
  file?: string;
  line: number;
  col: number;
  message: RegExp;
  rule?: "H1" | "H2" | "H3" | "H4" | "H5" | "P1" | "P2" | "P3";
}

export interface BrokenManifest {
  file: string;
  /** Loaded after `file`, in this order. */
  extraFiles?: string[];
  expect: ExpectedProblem[];
}

const dir = "test/fixtures/broken";

export const BROKEN: BrokenManifest[] = [
  {
    file: `${dir}/yaml-unclosed-flow.yaml`,
    expect: [
      { line: 7, col: 1, message: /^YAML: Flow sequence .* must be sufficiently indented and end with a \]/ },
    ],
  },
  {
    file: `${dir}/tab-indentation.yaml`,
    expect: [{ line: 5, col: 1, message: /^YAML: a tab is used for indentation; indent with spaces$/ }],
  },
  {
    file: `${dir}/flow-sequence-mistake.yaml`,
    expect: [
      {
        line: 7,
        col: 14,
        message: /^YAML: Implicit keys need to be on a single line \(check the indentation/,
      },
      {
        line: 7,
        col: 14,
        message: /^YAML: Nested mappings are not allowed in compact mappings \(check the indentation/,
      },
    ],
  },
  {
    file: `${dir}/duplicate-key.yaml`,
    expect: [{ line: 9, col: 9, message: /^YAML: this key appears twice in the same map/ }],
  },
  {
    file: `${dir}/unknown-tag.yaml`,
    expect: [{ line: 3, col: 19, message: /^YAML: Unresolved tag: !env \(a manifest uses no tags\)$/ }],
  },
  {
    file: `${dir}/multiple-documents.yaml`,
    expect: [
      { line: 3, col: 1, message: /^a second YAML document starts here: a manifest file holds one document/ },
    ],
  },
  {
    file: `${dir}/alias-bomb.yaml`,
    expect: [
      {
        line: 3,
        col: 8,
        message: /aliases here expand to too many nodes \(exrec's limit is 100 .*billion laughs/,
      },
    ],
  },
  {
    file: `${dir}/deep-nesting.yaml`,
    expect: [{ line: 2, col: 76, message: /^brackets \(\[ and \{\) nest more than 64 levels deep here/ }],
  },
  {
    file: `${dir}/invalid-utf8.yaml`,
    expect: [
      { line: 8, col: 25, message: /^the file is not valid UTF-8 \(invalid byte sequence at byte 177\)/ },
    ],
  },
  {
    file: `${dir}/empty.yaml`,
    expect: [{ line: 1, col: 1, message: /^the file is empty: a manifest starts with `version: 1`/ }],
  },
  {
    file: `${dir}/comments-only.yaml`,
    expect: [{ line: 1, col: 1, message: /^the file is empty/ }],
  },
  {
    file: `${dir}/root-is-list.yaml`,
    expect: [{ line: 1, col: 1, message: /^the manifest must be a map \(key: value lines\), found a list$/ }],
  },
  {
    file: `${dir}/list-where-map-belongs.yaml`,
    expect: [{ line: 7, col: 7, message: /^`defaults` must be a map \(key: value lines\), found a list$/ }],
  },
  {
    file: `${dir}/accounts-is-map.yaml`,
    expect: [{ line: 7, col: 7, message: /^`accounts` must be a list \(`- ` items\), found a map$/ }],
  },
  {
    file: `${dir}/null-platforms.yaml`,
    expect: [
      { line: 2, col: 1, message: /^`platforms` must be a list \(`- ` items\), found nothing \(null\)$/ },
    ],
  },
  {
    file: `${dir}/version-2.yaml`,
    expect: [{ line: 1, col: 10, message: /^this exrec reads manifest version 1; found version 2$/ }],
  },
  {
    file: `${dir}/missing-version.yaml`,
    expect: [{ line: 1, col: 1, message: /^the manifest lacks the required field `version`$/ }],
  },
  {
    file: `${dir}/prune-not-boolean.yaml`,
    expect: [
      {
        line: 6,
        col: 12,
        message: /^`prune` must be true or false, found the string "yes" \(YAML 1\.2 reads yes\/no/,
      },
    ],
  },
  {
    file: `${dir}/email-not-a-string.yaml`,
    expect: [{ line: 7, col: 16, message: /^`email` must be a string, found the number 42$/ }],
  },
  {
    file: `${dir}/unknown-key-licence.yaml`,
    expect: [
      { line: 8, col: 9, message: /^unknown field "licence" in account 1; did you mean `license`\?$/ },
    ],
  },
  {
    file: `${dir}/unknown-key-top-level.yaml`,
    // The missing `platforms` is not reported a second time: the typo explains it.
    expect: [
      { line: 2, col: 1, message: /^unknown field "platform" at the top level; did you mean `platforms`\?$/ },
    ],
  },
  {
    file: `${dir}/unknown-key-no-suggestion.yaml`,
    expect: [
      {
        line: 8,
        col: 9,
        message:
          /^unknown field "mailboxQuota" in account 1; allowed: email, state, license, renewal, displayName, protect$/,
      },
    ],
  },
  {
    file: `${dir}/missing-email.yaml`,
    expect: [{ line: 7, col: 9, message: /^account 1 lacks the required field `email`$/ }],
  },
  {
    file: `${dir}/missing-offer.yaml`,
    expect: [{ line: 3, col: 5, message: /^platform 1 lacks the required field `offer`$/ }],
  },
  {
    file: `${dir}/bad-email.yaml`,
    expect: [
      {
        line: 7,
        col: 16,
        message: /^`email` is not a valid e-mail address: the string "alice\.acme\.example"$/,
      },
    ],
  },
  {
    file: `${dir}/bad-licence-value.yaml`,
    expect: [
      {
        line: 8,
        col: 18,
        message:
          /^`license` must be one of basic, standard, enterprise; found the string "standart"; did you mean standard\?$/,
      },
    ],
  },
  {
    file: `${dir}/offer-dedicated.yaml`,
    expect: [
      {
        line: 5,
        col: 12,
        message:
          /^`offer` must be one of hosted, private; .*`private` is the API's dedicated and dedicatedCluster/,
      },
    ],
  },
  {
    file: `${dir}/organization-not-a-name.yaml`,
    expect: [
      {
        line: 3,
        col: 19,
        message: /^`organization` must be a name as the OVHcloud API gives it .*found the string "\.\.\/me"$/,
      },
    ],
  },
  {
    file: `${dir}/yearly-on-private.yaml`,
    expect: [
      {
        line: 9,
        col: 18,
        message: /^`renewal: yearly` on a Private platform: Private accounts renew monthly only/,
        rule: "P1",
      },
    ],
  },
  {
    file: `${dir}/defaults-yearly-on-private.yaml`,
    expect: [{ line: 6, col: 42, message: /^`renewal: yearly` on a Private platform/, rule: "P1" }],
  },
  {
    file: `${dir}/removal-on-private.yaml`,
    expect: [{ line: 6, col: 5, message: /^`removal` applies to Hosted platforms only/, rule: "P3" }],
  },
  {
    file: `${dir}/storage-quota-on-private.yaml`,
    expect: [{ line: 6, col: 5, message: /^`storageQuota` applies to Hosted platforms only/, rule: "P2" }],
  },
  {
    file: `${dir}/storage-quota-value.yaml`,
    expect: [{ line: 6, col: 19, message: /^`storageQuota` must be one of 50, 300; found the number 100$/ }],
  },
  {
    file: `${dir}/protect-and-absent.yaml`,
    expect: [
      {
        line: 9,
        col: 9,
        message: /^a protected account cannot be absent: exrec never removes a protected account/,
      },
    ],
  },
  {
    file: `${dir}/absent-with-fields.yaml`,
    expect: [
      { line: 9, col: 9, message: /^an absent account takes only `email` and `state`: remove `license`$/ },
      {
        line: 10,
        col: 9,
        message: /^an absent account takes only `email` and `state`: remove `displayName`$/,
      },
    ],
  },
  {
    file: `${dir}/placeholder-domain.yaml`,
    expect: [
      {
        line: 7,
        col: 16,
        message:
          /^"8f2a1c@ConfigureMe\.me": configureme\.me is OVHcloud's placeholder domain for blank accounts and cannot be declared/,
      },
    ],
  },
  {
    file: `${dir}/duplicate-address.yaml`,
    expect: [
      {
        line: 9,
        col: 16,
        message:
          /^"alice@acme\.example" is declared twice: also declared at test\/fixtures\/broken\/duplicate-address\.yaml:7:16; keep one$/,
      },
    ],
  },
  {
    file: `${dir}/duplicate-address-across-files.yaml`,
    extraFiles: [`${dir}/companions/other-platform-with-alice.yaml`],
    expect: [
      {
        file: `${dir}/companions/other-platform-with-alice.yaml`,
        line: 9,
        col: 16,
        message:
          /^"alice@acme\.example" is declared twice: also declared at test\/fixtures\/broken\/duplicate-address-across-files\.yaml:7:16; keep one$/,
      },
    ],
  },
  {
    file: `${dir}/same-platform-twice.yaml`,
    expect: [
      {
        line: 8,
        col: 5,
        message:
          /^platform hosted-ab12345-1\/hosted-ab12345-1 is declared twice: also declared at test\/fixtures\/broken\/same-platform-twice\.yaml:3:5; keep one$/,
      },
    ],
  },
  {
    file: `${dir}/same-platform-across-files.yaml`,
    extraFiles: [`${dir}/companions/hosted-2.yaml`],
    expect: [
      {
        file: `${dir}/companions/hosted-2.yaml`,
        line: 5,
        col: 5,
        message:
          /^platform hosted-ab12345-2\/hosted-ab12345-2 is declared twice: also declared at test\/fixtures\/broken\/same-platform-across-files\.yaml:3:5; keep one$/,
      },
    ],
  },
  {
    file: `${dir}/not-a-manifest.txt`,
    expect: [
      {
        line: 1,
        col: 1,
        message:
          /^exrec reads \.yaml or \.yml manifests, a synthesized cdk\.tf\.json \(\.json\), or a cdktf\.out folder/,
      },
    ],
  },
  {
    file: `${dir}/not-cdktf-out`,
    expect: [{ line: 1, col: 1, message: /^a folder must hold YAML manifests .* or be a cdktf\.out folder/ }],
  },
  {
    file: `${dir}/cdktf-invalid-json.json`,
    expect: [{ line: 4, col: 105, message: /^not valid JSON: expected a quoted key, found "\}"$/ }],
  },
  {
    file: `${dir}/cdktf-unknown-attribute.json`,
    expect: [
      { line: 15, col: 9, message: /^unknown field "licence" in account 1; did you mean `license`\?$/ },
    ],
  },
  {
    file: `${dir}/cdktf-yearly-on-private.json`,
    expect: [{ line: 15, col: 20, message: /^`renewal: yearly` on a Private platform/, rule: "P1" }],
  },
  {
    file: `${dir}/package-json.json`,
    expect: [
      {
        line: 1,
        col: 1,
        message:
          /^this JSON file is neither a manifest nor a synthesized CDKTF stack \(cdk\.tf\.json\): it has neither a `terraform` block nor `resource` blocks$/,
      },
    ],
  },
  {
    file: `${dir}/json-manifest-bad-offer.json`,
    expect: [{ line: 7, col: 16, message: /^`offer` must be one of hosted, private/ }],
  },
];
