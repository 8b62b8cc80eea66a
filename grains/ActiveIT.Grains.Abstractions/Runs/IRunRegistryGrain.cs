namespace ActiveIT.Grains.Runs;

/// <summary>The names of one kind's runs, keyed by the kind (curriculum runs keep the key "all" they were stored under): what a list reads.</summary>
// The alias is the name it had when it listed experiments only.
[Alias("activeit.IExperimentRegistryGrain")]
public interface IRunRegistryGrain : IGrainWithStringKey
{
    [Alias("AddAsync")]
    Task AddAsync(string name);

    [Alias("RemoveAsync")]
    Task RemoveAsync(string name);

    [Alias("ListAsync")]
    Task<IReadOnlyList<string>> ListAsync();

    /// <summary>The registry key of <paramref name="kind"/>'s runs.</summary>
    public static string Key(string kind) => kind == RunKinds.Curriculum ? "all" : kind;
}
