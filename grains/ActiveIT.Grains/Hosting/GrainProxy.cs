using System.Collections.Concurrent;
using System.Reflection;

namespace ActiveIT.Grains.Hosting;

/// <summary>
/// The grain reference a caller holds: every interface call goes through the host, which finds or creates the
/// activation and runs the call in its turn (Orleans generates these; here DispatchProxy does).
/// </summary>
public class GrainProxy : DispatchProxy
{
    private static readonly ConcurrentDictionary<Type, MethodInfo> TypedInvokers = new();
    private GrainHost _host = null!;
    private Type _interface = null!;
    private string _key = null!;

    internal static TGrain Create<TGrain>(GrainHost host, string key)
    {
        var proxy = Create<TGrain, GrainProxy>();
        var self = (GrainProxy)(object)proxy!;
        (self._host, self._interface, self._key) = (host, typeof(TGrain), key);
        return proxy;
    }

    protected override object? Invoke(MethodInfo? method, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(method);
        if (method.ReturnType == typeof(Task))
        {
            return _host.InvokeAsync<bool>(_interface, _key, async grain =>
            {
                await (Task)method.Invoke(grain, args)!;
                return true;
            });
        }
        if (method.ReturnType.IsGenericType && method.ReturnType.GetGenericTypeDefinition() == typeof(Task<>))
        {
            var invoker = TypedInvokers.GetOrAdd(method.ReturnType.GetGenericArguments()[0],
                t => typeof(GrainProxy).GetMethod(nameof(InvokeTyped), BindingFlags.NonPublic | BindingFlags.Instance)!.MakeGenericMethod(t));
            return invoker.Invoke(this, [method, args]);
        }
        throw new NotSupportedException($"{_interface.Name}.{method.Name}: grain methods must return Task or Task<T>");
    }

    private Task<T> InvokeTyped<T>(MethodInfo method, object?[]? args) =>
        _host.InvokeAsync(_interface, _key, grain => (Task<T>)method.Invoke(grain, args)!);
}
