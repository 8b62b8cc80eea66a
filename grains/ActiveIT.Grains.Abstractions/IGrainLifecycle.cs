namespace ActiveIT.Grains;

/// <summary>Optional activation hooks (Orleans: <c>Grain.OnActivateAsync</c>/<c>OnDeactivateAsync</c>); they run inside the activation's turn.</summary>
public interface IGrainLifecycle
{
    Task OnActivateAsync(CancellationToken cancellationToken);
    Task OnDeactivateAsync(CancellationToken cancellationToken);
}
