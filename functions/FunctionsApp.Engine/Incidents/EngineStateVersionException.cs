namespace FunctionsApp.Incidents;

/// <summary>A saved engine state was written by a newer build than this one; it is not read (nor overwritten).</summary>
internal sealed class EngineStateVersionException(int version)
    : NotSupportedException($"The saved engine state has layout version {version}, newer than this build reads ({EngineState.CurrentVersion}). "
        + "Deploy the build that wrote it (or a later one), or delete the site's state blob to start over.")
{
    public int Version => version;
}
