using ActiveIT.Grains.Hosting;

namespace ActiveIT.Grains.Tests;

public interface ICounterGrain : IGrainWithStringKey
{
    Task<int> IncrementAsync();
    Task<int> GetAsync();

    /// <summary>Records how many calls are inside this activation at once, holding the turn for a while.</summary>
    Task<int> ObserveConcurrencyAsync();

    Task FailAsync();
}

public sealed class CounterState
{
    public int Value { get; set; }
}

/// <summary>A test grain: persistent counter that re-reads and re-decides on an ETag conflict.</summary>
public sealed class CounterGrain(GrainContext context, CounterLog log) : ICounterGrain, IGrainLifecycle
{
    private readonly IPersistentState<CounterState> _state = context.State<CounterState>("counter");
    private int _inside;

    public async Task<int> IncrementAsync()
    {
        while (true)
        {
            _state.State.Value++;
            try
            {
                await _state.WriteStateAsync();
                return _state.State.Value;
            }
            catch (InconsistentStateException)
            {
                log.Conflicts.Add(context.Key);
                await _state.ReadStateAsync();
            }
        }
    }

    public Task<int> GetAsync() => Task.FromResult(_state.State.Value);

    public async Task<int> ObserveConcurrencyAsync()
    {
        var inside = Interlocked.Increment(ref _inside);
        log.Enter();
        await Task.Delay(20);
        log.Exit();
        Interlocked.Decrement(ref _inside);
        return inside;
    }

    public Task FailAsync() => throw new InvalidOperationException("grain says no");

    public Task OnActivateAsync(CancellationToken cancellationToken)
    {
        log.Activations.Add(context.Key);
        return Task.CompletedTask;
    }

    public Task OnDeactivateAsync(CancellationToken cancellationToken)
    {
        log.Deactivations.Add(context.Key);
        return Task.CompletedTask;
    }
}

public sealed class CounterLog
{
    public System.Collections.Concurrent.ConcurrentBag<string> Activations { get; } = [];
    public System.Collections.Concurrent.ConcurrentBag<string> Deactivations { get; } = [];
    public System.Collections.Concurrent.ConcurrentBag<string> Conflicts { get; } = [];

    private int _inside;
    private int _maxInside;

    /// <summary>Most calls inside any grains at once: above 1 shows different activations run in parallel.</summary>
    public int MaxConcurrentCalls => _maxInside;

    public void Enter()
    {
        var now = Interlocked.Increment(ref _inside);
        int seen;
        while (now > (seen = _maxInside) && Interlocked.CompareExchange(ref _maxInside, now, seen) != seen)
        {
        }
    }

    public void Exit() => Interlocked.Decrement(ref _inside);
}
