namespace ActiveIT.Silo;

/// <summary>
/// Configuration (section "ActiveIT", or environment variables ActiveIT__Storage etc.): storage "sqlite" (DataDir; a
/// cluster of one), "postgres" or "azure" (ConnectionString; silos with the same ClusterId form one cluster); the
/// silo's Orleans ports; API keys; request size limit.
/// </summary>
public sealed class SiloOptions
{
    public string Storage { get; set; } = "sqlite";
    public string DataDir { get; set; } = "silo-data";
    public string? ConnectionString { get; set; }

    /// <summary>Silos with the same cluster id on the same PostgreSQL database or storage account form one cluster.</summary>
    public string ClusterId { get; set; } = "activeit";

    /// <summary>Orleans' silo-to-silo port and client gateway port (each silo of a machine needs its own pair).</summary>
    public int SiloPort { get; set; } = 11111;
    public int GatewayPort { get; set; } = 30000;

    /// <summary>Keys of the researcher role (header "Authorization: Bearer KEY" or "X-Api-Key: KEY"). With no key configured or
    /// created, every request is refused.</summary>
    public List<string> ApiKeys { get; set; } = [];

    /// <summary>Keys of the admin role (everything, including server paths, others' experiments and managing keys).</summary>
    public List<string> AdminKeys { get; set; } = [];

    /// <summary>Keys of the reader role (every GET). Keys of named users are made with `activeit keys create` instead.</summary>
    public List<string> ReaderKeys { get; set; } = [];

    /// <summary>Folders import-path may read below, after symlinks and ".." are resolved. None (the default): import-path is off.</summary>
    public List<string> ImportRoots { get; set; } = [];

    /// <summary>OpenAI-compatible base URLs a transfer may send the silo's requests to (chat and scorer backends). None
    /// (the default): only the silo's own models; any other URL is refused, so a key cannot make the silo call arbitrary hosts.</summary>
    public List<string> RemoteBackends { get; set; } = [];

    public long MaxRequestBytes { get; set; } = 256L << 20;

    /// <summary>Requests a key may make per minute (fixed window; beyond it 429 with Retry-After). 0: no limit.</summary>
    public int RequestsPerMinutePerKey { get; set; }

    /// <summary>Longest generation a model endpoint accepts (max_tokens, max_completion_tokens).</summary>
    public int MaxGenerationTokens { get; set; } = 1024;

    /// <summary>Most prompts one /v1/completions request may carry.</summary>
    public int MaxPromptsPerRequest { get; set; } = 256;

    /// <summary>Folder of model checkpoints (*.safetensors) served by /v1/models and /v1/completions; id = file name without extension.</summary>
    public string? ModelDir { get; set; }

    /// <summary>Experiments one user may have queued or running at once (a start beyond it: 429). 0: no limit.</summary>
    public int MaxActiveExperimentsPerUser { get; set; }

    /// <summary>Where the web page's server side reaches this silo's API (default: the first address Kestrel listens on,
    /// an http one first, a wildcard host as 127.0.0.1). Set it when that address is not reachable as such (a unix socket).</summary>
    public string? SelfUrl { get; set; }

    /// <summary>Runs (of any kind) this silo's worker executes at once (each uses the engine's threads; on 2 cores, 1).</summary>
    public int MaxConcurrentExperiments { get; set; } = 1;

    /// <summary>How long a claimed run may go without its silo renewing the claim before another silo takes it over.</summary>
    public TimeSpan RunClaimTimeout { get; set; } = Grains.Runs.IRunQueueGrain.ClaimTimeout;

    /// <summary>Engine threads for experiments (default: all cores).</summary>
    public int? EngineThreads { get; set; }

    /// <summary>Engine device for experiments: cpu, cuda, cuda:N (default: cuda when libtorch sees a GPU).</summary>
    public string? Device { get; set; }

    /// <summary>Engine precision for experiments and served models: fp32 (default) or bf16 (matrix products in bfloat16).</summary>
    public string Precision { get; set; } = "fp32";

    /// <summary>
    /// Fault injection for the cluster tests, off by default: the silo kills its own process (as SIGKILL would) after
    /// the first write to this pool has committed and before it replies — the moment a client cannot tell apart from
    /// a write that never happened, and that idempotency keys exist for.
    /// </summary>
    public string? DieAfterWriteTo { get; set; }
}
