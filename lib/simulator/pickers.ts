import type { TAccount, TApplication, TFirewallRule, TIpsSignature, TMalwareSample } from "@/lib/simulator/account";
import { createWeightedPicker, type TRandom } from "@/lib/simulator/random";

/** Weighted choices over the account's tables, built once per simulator since every batch draws from them. */
export type TPickers = {
  pickInternetApplication: (random: TRandom) => TApplication;
  pickWanApplication: (random: TRandom) => TApplication;
  pickInternetRule: (random: TRandom) => TFirewallRule;
  pickWanRule: (random: TRandom) => TFirewallRule;
  pickIpsSignature: (random: TRandom) => TIpsSignature;
  pickMalwareSample: (random: TRandom) => TMalwareSample;
};

export function createPickers(account: TAccount): TPickers {
  const weighApplication = (application: TApplication) => [application, application.flowWeight] as const;
  return {
    pickInternetApplication: createWeightedPicker(
      account.applications.filter((application) => application.kind !== "internal").map(weighApplication),
    ),
    pickWanApplication: createWeightedPicker(
      account.applications.filter((application) => application.kind === "internal").map(weighApplication),
    ),
    pickInternetRule: createWeightedPicker(account.internetRules.map((rule) => [rule, rule.weight] as const)),
    pickWanRule: createWeightedPicker(account.wanRules.map((rule) => [rule, rule.weight] as const)),
    pickIpsSignature: createWeightedPicker(
      account.ipsSignatures.map((signature) => [signature, signature.weight] as const),
    ),
    pickMalwareSample: createWeightedPicker(account.malwareSamples.map((sample) => [sample, sample.weight] as const)),
  };
}
