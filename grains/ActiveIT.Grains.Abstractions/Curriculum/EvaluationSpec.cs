namespace ActiveIT.Grains.Curriculum;

/// <summary>
/// The held-out tasks: named tasks, or <see cref="Tasks"/> drawn per seed; from <see cref="Pool"/> when set (they
/// are then never candidates), else from the experiment's pool (and removed from its candidates). Dev tasks (for
/// best-epoch selection) come from the experiment's pool and are never candidates either.
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

    /// <summary>Which held-out instances a task is scored on: <c>sampled</c> (drawn per seed and task) or <c>first</c>
    /// (the task file's first ones — NIV2's test tasks put 100 label-balanced instances first, and Active-IT evaluates those).</summary>
    [Id(7)]
    public string Instances { get; init; } = SampledInstances;

    /// <summary>Fixed dev tasks (Active-IT's dev_tasks.txt), from the experiment's pool, never trained on.</summary>
    [Id(8)]
    public IReadOnlyList<string> DevTaskIds { get; init; } = [];

    /// <summary>Dev tasks drawn per seed from the candidates when <see cref="DevTaskIds"/> is empty (0: none).</summary>
    [Id(9)]
    public int DevTasks { get; init; }

    /// <summary>Dev instances per task, drawn per seed and task (Active-IT: 100, shuffled with its seed).</summary>
    [Id(10)]
    public int DevInstancesPerTask { get; init; } = 20;

    /// <summary>Draw the held-out tasks (<see cref="Tasks"/>) evenly over categories (a task's first: its family or
    /// task type) — round-robin over the categories in a seeded order, each category's tasks in a seeded order — so
    /// every seed evaluates the same mix of categories, instead of a uniform draw whose mix varies by seed.</summary>
    [Id(11)]
    public bool StratifyByCategory { get; init; }

    public const string SampledInstances = "sampled";
    public const string FirstInstances = "first";

    /// <summary>Whether any dev tasks are set, named or drawn.</summary>
    public bool HasDev => DevTaskIds.Count > 0 || DevTasks > 0;

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
        if (Instances is not (SampledInstances or FirstInstances))
        {
            yield return $"evaluation.instances: '{Instances}' is not one of first, sampled";
        }
        if (DevTasks < 0)
        {
            yield return "evaluation.dev_tasks: must not be negative";
        }
        if (DevTaskIds.Distinct().Count() != DevTaskIds.Count)
        {
            yield return "evaluation.dev_task_ids: has duplicates";
        }
        if (DevInstancesPerTask < 1)
        {
            yield return "evaluation.dev_instances_per_task: must be at least 1";
        }
        foreach (var id in DevTaskIds.Intersect(TaskIds, StringComparer.Ordinal))
        {
            yield return $"evaluation.dev_task_ids: '{id}' is also a held-out test task (evaluation.task_ids)";
        }
    }
}
