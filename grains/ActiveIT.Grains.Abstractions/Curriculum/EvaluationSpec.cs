namespace ActiveIT.Grains.Curriculum;

/// <summary>
/// The held-out tasks: named tasks, or <see cref="Tasks"/> drawn per seed; from <see cref="Pool"/> when set (they
/// are then never candidates), else from the experiment's pool (and removed from its candidates).
/// </summary>
[GenerateSerializer, Immutable, Alias("activeit.EvaluationSpec")]
public sealed record EvaluationSpec
{
    [Id(0)]
    public string? Pool { get; init; }
    [Id(1)]
    public int Tasks { get; init; } = 20;
    [Id(2)]
    public IReadOnlyList<string> TaskIds { get; init; } = [];
    [Id(3)]
    public int InstancesPerTask { get; init; } = 20;
    [Id(4)]
    public int MaxNewTokens { get; init; } = 32;

    /// <summary>Categories (a task's first category: its family in a families pool, its task type in NIV2) held out
    /// whole: their tasks are never candidates, and <see cref="HeldOutCategoryTasks"/> of them per seed are evaluated
    /// apart from the unseen tasks of seen categories.</summary>
    [Id(5)]
    public IReadOnlyList<string> HeldOutCategories { get; init; } = [];
    [Id(6)]
    public int HeldOutCategoryTasks { get; init; } = 20;

    public IEnumerable<string> Validate()
    {
        if (HeldOutCategories.Count > 0 && HeldOutCategoryTasks < 1)
        {
            yield return "evaluation.held_out_category_tasks: must be at least 1 with evaluation.held_out_categories";
        }
        if (Pool is not null && !NameRule.IsValid(Pool))
        {
            yield return $"evaluation.pool: '{Pool}' must be 1-100 letters, digits, '-', '_' or '.'";
        }
        if (TaskIds.Count == 0 && Tasks < 1)
        {
            yield return "evaluation.tasks: must be at least 1 (or list evaluation.task_ids)";
        }
        if (InstancesPerTask < 1)
        {
            yield return "evaluation.instances_per_task: must be at least 1";
        }
        if (MaxNewTokens is < 1 or > 4096)
        {
            yield return "evaluation.max_new_tokens: must be 1-4096";
        }
    }
}
