using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.ExceptionServices;
using System.Text.Json;
using ActiveIT.Grains.Persistence;

namespace ActiveIT.Grains.Hosting;

/// <summary>
/// A single-process grain runtime with Orleans' semantics: grains addressed by interface and key, activated on first
/// call (state read first), one call at a time per activation, deactivated after <see cref="GrainHostOptions.IdleTimeout"/>.
/// What it does not do: no cross-silo directory, placement, reminders, streams, or reentrancy — two hosts may
/// activate the same grain, and their writes are ordered by the storage's ETags instead.
/// </summary>
public sealed class GrainHost : IGrainFactory, IAsyncDisposable
{
    private readonly IGrainStorage _storage;
    private readonly GrainHostOptions _options;
    private readonly JsonSerializerOptions _json;
    private readonly ConcurrentDictionary<Type, Func<GrainContext, object>> _factories = new();
    private readonly ConcurrentDictionary<(Type, string), Lazy<Task<Activation>>> _activations = new();
    private readonly Timer _collector;

    public GrainHost(IGrainStorage storage, GrainHostOptions? options = null, JsonSerializerOptions? json = null)
    {
        _storage = storage;
        _options = options ?? GrainHostOptions.Default;
        _json = json ?? new JsonSerializerOptions(JsonSerializerDefaults.Web);
        _collector = new Timer(_ => _ = CollectIdleAsync(), null, _options.CollectionInterval, _options.CollectionInterval);
    }

    public int ActivationCount => _activations.Count;

    /// <summary>Registers the class that implements a grain interface, with how to build it from its context.</summary>
    public GrainHost Register<TGrain, TImplementation>(Func<GrainContext, TImplementation> create)
        where TGrain : IGrainWithStringKey where TImplementation : class, TGrain
    {
        _factories[typeof(TGrain)] = create;
        return this;
    }

    public TGrain GetGrain<TGrain>(string key) where TGrain : IGrainWithStringKey
    {
        if (!_factories.ContainsKey(typeof(TGrain)))
        {
            throw new InvalidOperationException($"no implementation registered for {typeof(TGrain).Name}");
        }
        return GrainProxy.Create<TGrain>(this, key);
    }

    internal async Task<T> InvokeAsync<T>(Type grainInterface, string key, Func<object, Task<T>> call)
    {
        while (true)
        {
            var activation = await GetActivationAsync(grainInterface, key);
            await activation.Gate.WaitAsync();
            try
            {
                if (activation.Deactivated)
                {
                    continue;  // collected while we waited: the next loop activates it afresh
                }
                activation.LastUsedTicks = Environment.TickCount64;
                try
                {
                    return await call(activation.Grain);
                }
                catch (TargetInvocationException e) when (e.InnerException is not null)
                {
                    ExceptionDispatchInfo.Capture(e.InnerException).Throw();
                    throw;
                }
            }
            finally
            {
                activation.LastUsedTicks = Environment.TickCount64;
                activation.Gate.Release();
            }
        }
    }

    private Task<Activation> GetActivationAsync(Type grainInterface, string key)
    {
        var lazy = _activations.GetOrAdd((grainInterface, key), k => new Lazy<Task<Activation>>(() => ActivateAsync(k.Item1, k.Item2)));
        var task = lazy.Value;
        if (task.IsFaulted)
        {
            _activations.TryRemove(new KeyValuePair<(Type, string), Lazy<Task<Activation>>>((grainInterface, key), lazy));
        }
        return task;
    }

    private async Task<Activation> ActivateAsync(Type grainInterface, string key)
    {
        var context = new GrainContext(key, this, _storage, _json);
        var grain = _factories[grainInterface](context);
        await context.ReadAllAsync(CancellationToken.None);
        if (grain is IGrainLifecycle lifecycle)
        {
            await lifecycle.OnActivateAsync(CancellationToken.None);
        }
        return new Activation(grain, context);
    }

    /// <summary>Deactivates activations idle longer than the timeout (or all, when <paramref name="all"/>), each inside its own turn.</summary>
    public async Task CollectIdleAsync(bool all = false)
    {
        var now = Environment.TickCount64;
        foreach (var (id, lazy) in _activations)
        {
            if (!lazy.IsValueCreated || !lazy.Value.IsCompletedSuccessfully)
            {
                continue;
            }
            var activation = lazy.Value.Result;
            if (!all && now - Interlocked.Read(ref activation.LastUsedTicks) < _options.IdleTimeout.TotalMilliseconds)
            {
                continue;
            }
            if (!await activation.Gate.WaitAsync(0))
            {
                continue;  // busy: not idle after all
            }
            try
            {
                activation.Deactivated = true;
                _activations.TryRemove(new KeyValuePair<(Type, string), Lazy<Task<Activation>>>(id, lazy));
                if (activation.Grain is IGrainLifecycle lifecycle)
                {
                    await lifecycle.OnDeactivateAsync(CancellationToken.None);
                }
            }
            finally
            {
                activation.Gate.Release();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _collector.DisposeAsync();
        await CollectIdleAsync(all: true);
    }
}
