using System.Net.Http.Json;
using ActiveIT.Client.Output;
using ActiveIT.Client.Pools;
using ActiveIT.Core.Transfer;
using ActiveIT.Grains.Runs;
using ActiveIT.Grains.Transfer;
using ActiveIT.Runs.Transfer;

namespace ActiveIT.Client.Transfer;

/// <summary>
/// Transfers on a silo, as runs of kind "transfer" named by their output pool: created (the same request again finds
/// the run it made), started, and followed through their events until they stop. The run goes on without this
/// client: a client that goes away (Ctrl+C, a lost connection) leaves it to the silo, and running the command again
/// follows it to its end.
/// </summary>
internal static class RemoteTransfers
{
    private const string Runs = "v1/runs/transfer";

    public static async Task<TransferRunState> RunAsync(HttpClient http, TransferRequest body, IProgress<TransferProgress> progress, CancellationToken cancellationToken)
    {
        using (var created = await http.PostAsJsonAsync(Runs, body, Json.Options, cancellationToken))
        {
            await SiloHttp.EnsureSuccessAsync(created, cancellationToken);
        }
        var path = $"{Runs}/{Uri.EscapeDataString(body.OutPool)}";
        using (var started = await http.PostAsync($"{path}/start", null, cancellationToken))
        {
            await SiloHttp.EnsureSuccessAsync(started, cancellationToken);
        }
        TransferRunState? last = null;
        await foreach (var run in SiloHttp.EventsAsync<TransferRunState>(http, $"{path}/events", cancellationToken))
        {
            last = run;
            progress.Report(new TransferProgress(run.Outcomes.Count, run.Tasks, new TransferSpend(run.Requests, run.PromptTokens, run.CompletionTokens, run.Cost)));
        }
        return last is { Status: not (RunStatus.Queued or RunStatus.Running) }
            ? last
            : throw new HttpRequestException($"the silo closed the events of {path} while the run was {last?.Status.ToString().ToLowerInvariant() ?? "unknown"}");
    }

    public static async Task<TransferRunState> GetAsync(HttpClient http, string outPool, CancellationToken cancellationToken) =>
        await SiloHttp.ReadAsync<TransferRunState>(await http.GetAsync($"{Runs}/{Uri.EscapeDataString(outPool)}", cancellationToken), cancellationToken);

    public static async Task<TransferTaskView> TaskAsync(HttpClient http, string outPool, string taskId, CancellationToken cancellationToken) =>
        await SiloHttp.ReadAsync<TransferTaskView>(await http.GetAsync(
            $"{Runs}/{Uri.EscapeDataString(outPool)}/tasks/{Uri.EscapeDataString(taskId)}", cancellationToken), cancellationToken);

    public static async Task<IReadOnlyList<TransferTaskView>> AllAsync(HttpClient http, string outPool, CancellationToken cancellationToken) =>
        await SiloHttp.ReadAsync<List<TransferTaskView>>(await http.GetAsync($"{Runs}/{Uri.EscapeDataString(outPool)}/tasks", cancellationToken), cancellationToken);
}
