/**
 * What Azure documents about recovering each stateful service from the loss of its region: the
 * recovery point (data lost) and recovery time, each with the page that states it. `minutes` is
 * the documented bound; null where the page states none (the report then says "not met": a target
 * is met only by a figure Azure documents). Recorded 2026-12 from the pages linked; the Cosmos DB
 * RTO, the SQL failover-group estimates and the storage failover time were not re-read against the
 * live pages then: check them there before relying on them, and whenever the pages change.
 */
export interface DrFact {
  /** The documented bound in minutes; null: no bound stated. */
  minutes: number | null;
  /** What the page says, in short. */
  statement: string;
  source: string;
}

const COSMOS_HA = "https://learn.microsoft.com/azure/cosmos-db/high-availability";
const COSMOS_CONSISTENCY = "https://learn.microsoft.com/azure/cosmos-db/consistency-levels";
const SQL_BCDR =
  "https://learn.microsoft.com/azure/azure-sql/database/business-continuity-high-availability-disaster-recover-hadr-overview";
const SQL_FOG = "https://learn.microsoft.com/azure/azure-sql/database/failover-group-sql-db";
const STORAGE_REDUNDANCY = "https://learn.microsoft.com/azure/storage/common/storage-redundancy";
const STORAGE_FAILOVER = "https://learn.microsoft.com/azure/storage/common/storage-disaster-recovery-guidance";
const SERVICE_BUS_GEO = "https://learn.microsoft.com/azure/service-bus-messaging/service-bus-geo-replication";
const REDIS_GEO = "https://learn.microsoft.com/azure/azure-cache-for-redis/cache-how-to-geo-replication";
const POSTGRESQL_BCDR = "https://learn.microsoft.com/azure/postgresql/flexible-server/concepts-business-continuity";
const MYSQL_BCDR = "https://learn.microsoft.com/azure/mysql/flexible-server/concepts-business-continuity";
const KEY_VAULT_DR = "https://learn.microsoft.com/azure/key-vault/general/disaster-recovery-guidance";
const APIM_MULTI_REGION = "https://learn.microsoft.com/azure/api-management/api-management-howto-deploy-multi-region";
/** How Front Door decides an origin is unhealthy (the last sampleSize probes, successfulSamplesRequired of them healthy). */
export const FRONT_DOOR_PROBES = "https://learn.microsoft.com/azure/frontdoor/health-probes";

export const DR_FACTS = {
  cosmos: {
    singleRegion: {
      rpo: { minutes: 240, statement: "one region: restore from backup, RPO under 240 minutes", source: COSMOS_HA },
      rto: {
        minutes: null,
        statement: "one region: RTO up to a week (restore after the region returns)",
        source: COSMOS_HA,
      },
    },
    rpo: {
      Session: {
        minutes: 15,
        statement: "several regions, Session consistency: RPO under 15 minutes",
        source: COSMOS_CONSISTENCY,
      },
      ConsistentPrefix: {
        minutes: 15,
        statement: "several regions, Consistent Prefix: RPO under 15 minutes",
        source: COSMOS_CONSISTENCY,
      },
      Eventual: {
        minutes: 15,
        statement: "several regions, Eventual consistency: RPO under 15 minutes",
        source: COSMOS_CONSISTENCY,
      },
      // The window is the account's own (maxIntervalInSeconds); the report fills the minutes in.
      BoundedStaleness: {
        minutes: null,
        statement: "several regions, Bounded Staleness: RPO at most the staleness window (K operations, T seconds)",
        source: COSMOS_CONSISTENCY,
      },
      Strong: { minutes: 0, statement: "several regions, Strong consistency: RPO 0", source: COSMOS_CONSISTENCY },
    },
    rto: {
      serviceManaged: {
        minutes: 15,
        statement: "single write region with service-managed failover: RTO under 15 minutes",
        source: COSMOS_HA,
      },
      customerManaged: {
        minutes: null,
        statement:
          "without service-managed failover writes wait for the region or an operator's failover: RTO unbounded",
        source: COSMOS_HA,
      },
    },
  },
  sql: {
    failoverGroup: {
      rpo: {
        minutes: 5 / 60,
        statement: "geo-replication in a failover group: estimated RPO 5 seconds (asynchronous; lag has no SLA)",
        source: SQL_BCDR,
      },
      rtoManual: {
        minutes: 1,
        statement: "customer-managed geo-failover: estimated RTO 60 seconds once started",
        source: SQL_BCDR,
      },
      // The grace period is the group's own; the report adds it.
      rtoAutomatic: {
        minutes: null,
        statement:
          "Microsoft-managed failover starts only after the grace period (60 minutes or more) and only for an outage Microsoft declares",
        source: SQL_FOG,
      },
    },
    geoRestore: {
      rpo: { minutes: 60, statement: "geo-restore from geo-replicated backups: RPO 1 hour", source: SQL_BCDR },
      rto: { minutes: 720, statement: "geo-restore: RTO 12 hours", source: SQL_BCDR },
    },
  },
  storage: {
    geo: {
      rpo: {
        minutes: 15,
        statement: "geo-replication is asynchronous: RPO typically under 15 minutes, no SLA",
        source: STORAGE_REDUNDANCY,
      },
      rto: {
        minutes: 60,
        statement: "customer-managed failover typically takes about an hour, no SLA",
        source: STORAGE_FAILOVER,
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
          "geo-replication (metadata and messages): writes fail once the secondary lags more than the configured maximum, so at most that much is lost",
        source: SERVICE_BUS_GEO,
      },
      rto: {
        minutes: null,
        statement: "promotion of the secondary is customer-initiated; no promotion time is stated",
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
        statement: "passive geo-replication is asynchronous; no bound on its lag is stated",
        source: REDIS_GEO,
      },
      rto: {
        minutes: null,
        statement: "failover to the geo-secondary is customer-initiated; no failover time is stated",
        source: REDIS_GEO,
      },
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
        statement: "geo-restore: RTO varies with the database's size; no bound stated",
        source: POSTGRESQL_BCDR,
      },
    },
    mysql: {
      rpo: { minutes: 60, statement: "geo-restore from geo-redundant backup: RPO under 1 hour", source: MYSQL_BCDR },
      rto: {
        minutes: null,
        statement: "geo-restore: RTO varies with the database's size; no bound stated",
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
        "contents replicate to the paired region and Microsoft fails over (read-only while failed over); no RPO stated",
      source: KEY_VAULT_DR,
    },
    rto: {
      minutes: null,
      statement: "Microsoft-managed failover to the paired region; no RTO stated",
      source: KEY_VAULT_DR,
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
