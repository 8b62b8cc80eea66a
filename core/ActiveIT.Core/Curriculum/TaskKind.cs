using ActiveIT.Core.Tasks;

namespace ActiveIT.Core.Curriculum;

/// <summary>
/// Classification vs generation, for class-balanced selection. NIV2 has no such flag; a task counts as
/// classification when its category says so, or when its instances draw their first reference from a small label
/// set (at most 10 distinct outputs, each used at least twice on average). String-rewrite tasks are generation.
/// </summary>
public static class TaskKind
{
    public static bool IsClassification(InstructionTask task)
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
