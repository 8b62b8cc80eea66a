namespace ActiveIT.Runs.Diversity;

/// <summary>
/// A finished instruction-diversity run: the setup it ran, the environment of the session that finished it, that
/// session's wall time, every point in grid order, the summary over seeds, the checks (convergence, the steps of the
/// unseen-rule curve) and the unseen-rule accuracy by length class. A silo's diversity run stores this as its result; `activeit diversity` writes it as run.json.
/// </summary>
public sealed record DiversityResult(
    DiversitySetup Config,
    RunEnvironment Environment,
    double TotalSeconds,
    IReadOnlyList<DiversityPointResult> Results,
    IReadOnlyList<DiversitySummary> Summary,
    IReadOnlyList<DiversityConvergence> Convergence,
    IReadOnlyList<DiversityStep> Steps,
    IReadOnlyList<DiversityClassSummary>? ByLength = null)
{
    public static DiversityResult Of(DiversitySetup setup, RunEnvironment environment, double seconds, IReadOnlyList<DiversityPointResult> results)
    {
        var summary = DiversitySummary.From(results);
        return new(setup, environment, seconds, results, summary, DiversityChecks.Convergence(summary), DiversityChecks.Steps(results),
            DiversityClassSummary.From(results));
    }
}
