import { REDIS_GEO_REPLICATION_MAX_REPLICAS } from "../../infra/data/options.js";

/**
 * What Azure documents about recovering each stateful service from the loss of its region: the
 * recovery point (data lost) and recovery time, each with the page that states it. `minutes` is
 * the documented bound, or the figure the page gives as typical (its statement says so); null
 * where the page states none (the report then says "not met": a target is met only by a figure
 * Azure documents). Every figure was re-read in 2026-12 against the pages linked, the reliability
 * guides first (learn.microsoft.com/azure/reliability/reliability-<service>, dated 2025-08 to
 * 2026-05): the Cosmos DB RTO, the SQL failover-group and geo-restore figures and the storage
 * failover time included. Check them there again whenever the pages change.
 */
export interface DrFact {
  /** The documented bound in minutes; null: no bound stated. */
  minutes: number | null;
  /** What the page says, in short. */
  statement: string;
  source: string;
}

const RELIABILITY = "https://learn.microsoft.com/azure/reliability";
const COSMOS_REGION_LOSS = `${RELIABILITY}/reliability-cosmos-db#resilience-to-region-wide-failures`;
const COSMOS_FAILOVER = `${RELIABILITY}/reliability-cosmos-db#failover-between-regions`;
const COSMOS_DURABILITY =
  "https://learn.microsoft.com/azure/cosmos-db/consistency-levels#consistency-levels-and-data-durability";
const SQL_BCDR =
  "https://learn.microsoft.com/azure/azure-sql/database/business-continuity-high-availability-disaster-recover-hadr-overview#rto-and-rpo";
const SQL_FAILOVER_GROUPS = `${RELIABILITY}/reliability-sql-database#failover-groups`;
const SQL_GEO_RESTORE = "https://learn.microsoft.com/azure/azure-sql/database/recovery-using-backups#geo-restore";
const STORAGE_REGION_LOSS = `${RELIABILITY}/reliability-storage-blob#behavior-during-a-region-failure`;
const STORAGE_REDUNDANCY = "https://learn.microsoft.com/azure/storage/common/storage-redundancy";
const SERVICE_BUS_GEO = `${RELIABILITY}/reliability-service-bus#geo-replication`;
const REDIS_GEO = "https://learn.microsoft.com/azure/azure-cache-for-redis/cache-how-to-geo-replication";
const REDIS_MULTI_REPLICAS =
  "https://learn.microsoft.com/azure/azure-cache-for-redis/cache-how-to-multi-replicas#limitations";
const POSTGRESQL_BCDR = "https://learn.microsoft.com/azure/postgresql/backup-restore/concepts-business-continuity";
const MYSQL_BCDR = "https://learn.microsoft.com/azure/mysql/flexible-server/concepts-business-continuity";
const KEY_VAULT_FAILOVER = `${RELIABILITY}/reliability-key-vault#microsoft-managed-failover-to-a-paired-region`;
const APIM_MULTI_REGION = "https://learn.microsoft.com/azure/api-management/api-management-howto-deploy-multi-region";
/** How Front Door decides an origin is unhealthy (the last sampleSize probes, successfulSamplesRequired of them healthy). */
export const FRONT_DOOR_PROBES = "https://learn.microsoft.com/azure/frontdoor/health-probes";

export const DR_FACTS = {
  cosmos: {
    singleRegion: {
      rpo: {
        minutes: 240,
        statement: "one region: RPO under 240 minutes, restored from backup if the region is lost for good",
        source: COSMOS_DURABILITY,
      },
      rto: {
        minutes: null,
        statement:
          "one region: no access until Azure restores the region or a backup is restored elsewhere; no bound stated",
        source: COSMOS_REGION_LOSS,
      },
    },
    rpo: {
      Session: {
        minutes: 15,
        statement: "several regions, Session consistency: RPO under 15 minutes",
        source: COSMOS_DURABILITY,
      },
      ConsistentPrefix: {
        minutes: 15,
        statement: "several regions, Consistent Prefix: RPO under 15 minutes",
        source: COSMOS_DURABILITY,
      },
      Eventual: {
        minutes: 15,
        statement: "several regions, Eventual consistency: RPO under 15 minutes",
        source: COSMOS_DURABILITY,
      },
      // The window is the account's own (maxIntervalInSeconds); the report fills the minutes in.
      BoundedStaleness: {
        minutes: null,
        statement:
          "several regions, Bounded Staleness: RPO at most the staleness window of K operations or T seconds, at least 100,000 and 300 s",
        source: COSMOS_DURABILITY,
      },
      Strong: { minutes: 0, statement: "several regions, Strong consistency: RPO 0", source: COSMOS_DURABILITY },
    },
    rto: {
      serviceManaged: {
        minutes: null,
        statement:
          "service-managed failover starts once Microsoft declares the outage, which can take an hour or more; no bound stated, and the page advises a forced failover instead",
        source: COSMOS_FAILOVER,
      },
      customerManaged: {
        minutes: null,
        statement:
          "without service-managed failover writes wait for the region or an operator's forced failover, usually seconds once started; no bound stated",
        source: COSMOS_FAILOVER,
      },
    },
  },
  sql: {
    failoverGroup: {
      rpo: {
        minutes: null,
        statement:
          "geo-replication is asynchronous: a forced failover loses what was not yet replicated, RPO 0 or more with the replication lag; no bound stated",
        source: SQL_BCDR,
      },
      rtoManual: {
        minutes: 1,
        statement: "customer-managed failover of a failover group: typically under 60 seconds once started",
        source: SQL_BCDR,
      },
      // The grace period is the group's own; the report adds it.
      rtoAutomatic: {
        minutes: null,
        statement:
          "Microsoft-managed failover waits at least the grace period (an hour or more) and Microsoft's response will likely take several hours at least; no bound stated",
        source: SQL_FAILOVER_GROUPS,
      },
    },
    geoRestore: {
      rpo: {
        minutes: null,
        statement:
          "geo-restore from geo-replicated backups: data loss typically minutes or hours, as backups replicate asynchronously; no bound stated",
        source: SQL_GEO_RESTORE,
      },
      rto: {
        minutes: null,
        statement: "geo-restore: typically minutes or hours, longer for large databases; no bound stated",
        source: SQL_BCDR,
      },
    },
  },
  storage: {
    geo: {
      rpo: {
        minutes: 15,
        statement: "geo-replication is asynchronous: RPO typically under 15 minutes, not guaranteed",
        source: STORAGE_REGION_LOSS,
      },
      rto: {
        minutes: 60,
        statement: "customer-managed (unplanned) failover typically completes within 60 minutes, not guaranteed",
        source: STORAGE_REGION_LOSS,
      },
    },
    local: {
      rpo: { minutes: null, statement: "no copy outside the region: data is lost with it", source: STORAGE_REDUNDANCY },
      rto: {
        minutes: null,
        statement: "no copy outside the region: nothing to fail over to",
        source: STORAGE_REDUNDANCY,
      },
    },
  },
  serviceBus: {
    geoReplication: {
      // The lag limit is the namespace's own; the report fills the minutes in.
      rpo: {
        minutes: null,
        statement:
          "geo-replication (metadata and messages): the primary throttles writes once the secondary lags more than the configured maximum, so a forced promotion loses at most that much",
        source: SERVICE_BUS_GEO,
      },
      rto: {
        minutes: 10,
        statement:
          "an operator's forced promotion typically takes 5 to 10 minutes once started, clients' DNS possibly longer",
        source: SERVICE_BUS_GEO,
      },
    },
    none: {
      rpo: { minutes: null, statement: "one region: messages are lost or stranded with it", source: SERVICE_BUS_GEO },
      rto: { minutes: null, statement: "one region: nothing to fail over to", source: SERVICE_BUS_GEO },
    },
  },
  redis: {
    geoReplication: {
      rpo: {
        minutes: null,
        statement: "passive geo-replication is asynchronous and no recovery point is guaranteed",
        source: REDIS_GEO,
      },
      rto: {
        minutes: null,
        statement: "failover to the geo-secondary is customer-initiated; no failover time is stated",
        source: REDIS_GEO,
      },
    },
    /** Replicas per primary a linked cache may have: a link between caches of more is refused, so nothing replicates. */
    maxReplicasPerPrimary: REDIS_GEO_REPLICATION_MAX_REPLICAS,
    refusedLink: {
      minutes: null,
      statement: `geo-replication links caches of ${REDIS_GEO_REPLICATION_MAX_REPLICAS} replica per primary only: Azure refuses this link, so nothing is replicated`,
      source: REDIS_MULTI_REPLICAS,
    },
  },
  flexibleServer: {
    postgresql: {
      rpo: {
        minutes: 60,
        statement: "geo-restore from geo-redundant backup: RPO under 1 hour",
        source: POSTGRESQL_BCDR,
      },
      rto: {
        minutes: null,
        statement: "geo-restore: RTO varies with the data to restore; no bound stated",
        source: POSTGRESQL_BCDR,
      },
    },
    mysql: {
      rpo: {
        minutes: 60,
        statement: "geo-restore from geo-redundant backup: RPO under 1 hour in most cases",
        source: MYSQL_BCDR,
      },
      rto: {
        minutes: null,
        statement: "geo-restore: RTO varies with the data to restore; no bound stated",
        source: MYSQL_BCDR,
      },
    },
    local: {
      rpo: { minutes: null, statement: "backups kept in the region only: lost with it", source: POSTGRESQL_BCDR },
      rto: {
        minutes: null,
        statement: "backups kept in the region only: nothing to restore elsewhere",
        source: POSTGRESQL_BCDR,
      },
    },
  },
  keyVault: {
    rpo: {
      minutes: null,
      statement:
        "contents replicate asynchronously to the paired region: changes not yet replicated may be lost; no RPO stated",
      source: KEY_VAULT_FAILOVER,
    },
    rto: {
      minutes: null,
      statement:
        "Microsoft-managed failover to the pair is best-effort, likely after a significant delay, the vault unavailable for hours meanwhile and read-only after; no RTO stated",
      source: KEY_VAULT_FAILOVER,
    },
  },
  gateway: {
    multiRegion: {
      minutes: 0,
      statement:
        "a gateway serves in each region: requests are routed around a region that goes offline; the management plane and developer portal stay in the primary region",
      source: APIM_MULTI_REGION,
    },
    singleRegion: {
      minutes: null,
      statement: "the gateway runs in one region: after its loss it must be deployed again, which nothing here bounds",
      source: APIM_MULTI_REGION,
    },
  },
} as const satisfies Record<string, unknown>;
