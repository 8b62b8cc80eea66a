using System.Text.Json;
using System.Threading.Channels;

namespace ActiveIT.Silo;

/// <summary>
/// A long request answered as JSON lines: one per progress report while the work runs, then its result's line — or,
/// since the status line is sent already, {"error"} if it fails. A client that goes away cancels the work.
/// </summary>
public static class ProgressStream
{
    public static async Task WriteAsync<TProgress, TResult>(HttpContext http, JsonSerializerOptions options,
        Func<IProgress<TProgress>, CancellationToken, Task<TResult>> work, Func<TProgress, object> progressLine, Func<TResult, object> resultLine)
    {
        var progress = Channel.CreateUnbounded<TProgress>();
        var running = Task.Run(async () =>
        {
            try
            {
                return await work(new ActiveIT.Runs.SyncProgress<TProgress>(p => progress.Writer.TryWrite(p)), http.RequestAborted);
            }
            finally
            {
                progress.Writer.Complete();
            }
        });
        http.Response.ContentType = "application/x-ndjson";
        await foreach (var p in progress.Reader.ReadAllAsync(http.RequestAborted))
        {
            await WriteLineAsync(http, progressLine(p), options);
        }
        try
        {
            await WriteLineAsync(http, resultLine(await running), options);
        }
        catch (Exception e) when (!http.RequestAborted.IsCancellationRequested)
        {
            await WriteLineAsync(http, new { Error = e.Message }, options);
        }
    }

    private static async Task WriteLineAsync(HttpContext http, object value, JsonSerializerOptions options)
    {
        await http.Response.WriteAsync(JsonSerializer.Serialize(value, options) + "\n", http.RequestAborted);
        await http.Response.Body.FlushAsync(http.RequestAborted);
    }
}
