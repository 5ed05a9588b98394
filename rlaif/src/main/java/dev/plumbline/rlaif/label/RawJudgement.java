// One judge call as it happened: the order shown, the judge's raw text, and what it parsed to.
package dev.plumbline.rlaif.label;

/**
 * The record of one judge call, kept for provenance and audits.
 *
 * @param order  {@code "AB"} when A was shown first, {@code "BA"} when B was shown first
 * @param text   the judge's raw output (for an HTTP judge, the message content or an error)
 * @param parsed the preference it parsed to, mapped back to the pair's A/B; FAILED if unparseable
 */
public record RawJudgement(String order, String text, Preference parsed) {
}
