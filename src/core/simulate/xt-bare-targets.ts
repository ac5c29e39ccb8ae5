/**
 * iptables targets that need options: written bare (`-j TEE`, `-j MARK`), iptables-restore refuses the
 * rule with the extension's own message (iptables-nft 1.8.9, each checked in a fresh namespace). Bare
 * SYNPROXY, TCPOPTSTRIP, CT, NOTRACK, TRACE, NFLOG, NFQUEUE, MASQUERADE, REDIRECT, REJECT and LOG load;
 * DNAT, SNAT, NETMAP, DSCP and TOS are refused by the rule reader itself, with their options named.
 */

/** The extension's refusal of a bare target, by name. */
const REFUSALS: Readonly<Record<string, string>> = {
  TEE: 'TEE: option "--gateway" must be specified',
  HMARK: "--hmark-mod is mandatory",
  CLASSIFY: 'CLASSIFY: option "--set-class" must be specified',
  TTL: "TTL: You must specify an action",
  HL: "HL: You must specify an action",
  TCPMSS: "TCPMSS target: At least one parameter is required",
  MARK: "MARK: One of the --set-xmark, --{and,or,xor,set}-mark options is required",
  CHECKSUM: 'CHECKSUM: option "--checksum-fill" must be specified',
  CONNMARK: "CONNMARK target: No operation specified",
  SECMARK: 'SECMARK: option "--selctx" must be specified',
  ECN: "ECN target: An operation is required",
  CONNSECMARK: "CONNSECMARK target: parameter required",
  AUDIT: 'AUDIT: option "--type" must be specified',
  SET: "You must specify either `--add-set' or `--del-set' or `--map-set'",
  IDLETIMER: 'IDLETIMER: option "--timeout" must be specified',
  RATEEST: "RATEEST: ewmalog value is out of range",
  DNPT: 'DNPT: option "--src-pfx" must be specified',
  SNPT: 'SNPT: option "--src-pfx" must be specified',
};

/** iptables-restore's refusal of target `name` written without options, or undefined when it loads so. */
export function bareTargetRefusal(name: string): { message: string; hint: string } | undefined {
  const said = REFUSALS[name];
  if (!said) return undefined;
  return {
    message: `target ${name} needs options: iptables-restore refuses it without them ("${said}")`,
    hint: `write the options -j ${name} takes after it (iptables-extensions(8) lists them)`,
  };
}
