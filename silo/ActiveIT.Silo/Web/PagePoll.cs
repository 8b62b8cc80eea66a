namespace ActiveIT.Silo.Web;

/// <summary>
/// A list page's refresh: every 2 s the page reloads what it shows, so a new run of another user or a run's step
/// shows within that time (one run's own page follows its server-sent events instead). Stops with the page.
/// </summary>
public sealed class PagePoll : IDisposable
{
    private readonly CancellationTokenSource _stop = new();

    public CancellationToken Token => _stop.Token;

    /// <param name="refresh">Reloads and re-renders, on the page's own dispatcher (the page's InvokeAsync).</param>
    public void Start(Func<Task> refresh) => _ = LoopAsync(refresh);

    private async Task LoopAsync(Func<Task> refresh)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(2));
        var stop = _stop.Token;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                if (!await timer.WaitForNextTickAsync(stop))
                {
                    return;
                }
                await refresh();
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (Exception e) when (e is ObjectDisposedException or InvalidOperationException)
            {
                return;  // the page (its circuit) is gone
            }
        }
    }

    // Cancelled, not disposed: a poll already past its tick may still read the token.
    public void Dispose() => _stop.Cancel();
}
