namespace ActiveIT.Grains.Diversity;

/// <summary>One published diversity run, keyed by its name; the CLI replaces it after every model it trains.</summary>
[Alias("activeit.IDiversityRunGrain")]
public interface IDiversityRunGrain : IGrainWithStringKey
{
    [Alias("GetAsync")]
    Task<DiversityRun?> GetAsync();

    [Alias("InfoAsync")]
    Task<DiversityRunInfo?> InfoAsync();

    /// <summary>
    /// Stores the run unless it exists with another owner and <paramref name="mayReplaceOthers"/> is false; null when
    /// stored (a replaced run keeps its first owner), else that owner. Checked and written in one grain turn.
    /// </summary>
    [Alias("PutAsync")]
    Task<string?> PutAsync(DiversityRun run, bool mayReplaceOthers);

    [Alias("DeleteAsync")]
    Task<bool> DeleteAsync();
}
