using ActiveIT.Core.Tasks;

namespace ActiveIT.Core.Curriculum;

/// <summary>
/// Classification vs generation (methods.md §1). The published rule: a task is classification when its definition
/// names its label set exactly — Active-IT's metadata flag <c>DefHasLabel == "ExactMentioned"</c>, read from the task's
/// <c>DefHasLabel</c> field. Where a task lacks that information the heuristic decides: its category says
/// classification, or its instances draw their first reference from a small label set (at most 10 distinct outputs,
/// each used at least twice on average). String-rewrite tasks are generation.
/// </summary>
public static class TaskKind
{
    /// <summary>The metadata key (and NIV2 task-file field) carrying Active-IT's flag.</summary>
    public const string LabelFlagKey = "DefHasLabel";

    public const string MetadataRule = "metadata";
    public const string HeuristicRule = "heuristic";

    public static TaskKindDecision Decide(InstructionTask task)
    {
        if (task.Metadata.TryGetValue(LabelFlagKey, out var flag))
        {
            return new TaskKindDecision(flag == "ExactMentioned", MetadataRule);
        }
        return new TaskKindDecision(Heuristic(task), HeuristicRule);
    }

    private static bool Heuristic(InstructionTask task)
    {
        if (task.Categories.Any(c => c.Contains("Classification", StringComparison.OrdinalIgnoreCase)))
        {
            return true;
        }
        if (task.Format == TaskFormat.StringRewrite || task.Instances.Count < 4)
        {
            return false;
        }
        var labels = task.Instances.Select(i => i.Outputs.Count > 0 ? i.Outputs[0].Trim() : "").Distinct(StringComparer.Ordinal).Count();
        return labels <= 10 && labels * 2 <= task.Instances.Count;
    }
}
