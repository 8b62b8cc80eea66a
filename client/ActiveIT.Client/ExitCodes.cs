namespace ActiveIT.Client;

/// <summary>Process exit codes of the CLI.</summary>
internal static class ExitCodes
{
    public const int Success = 0;
    public const int Failure = 1;
    public const int InvalidInput = 2;

    /// <summary>The state changed under the command (a pool moved past --if-version, a run in the way): read again.</summary>
    public const int Conflict = 3;
    public const int Cancelled = 130;
}
