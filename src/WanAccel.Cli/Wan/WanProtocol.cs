namespace WanAccel.Cli.Wan;

/// <summary>How <c>bench wan</c> copies the file: which real client and server, and how the pair intercepts them.</summary>
internal enum WanProtocol
{
    /// <summary>A plain TCP file server and client (like <c>nc</c>) through a forward rule.</summary>
    Tcp,

    /// <summary><c>curl</c> downloading from a real <c>nginx</c>, through the edge's HTTP proxy (YARP).</summary>
    Http,

    /// <summary><c>smbclient</c> getting the file from a real Samba <c>smbd</c> (SMB 3.1.1), through a forward rule.</summary>
    Smb,

    /// <summary>libnfs <c>nfs-cp</c> reading the file from a real nfs-ganesha (NFSv3 over TCP), NFS and MOUNT each through a rule.</summary>
    Nfs,
}
