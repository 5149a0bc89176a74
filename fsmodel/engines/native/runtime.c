/* fsmodel native engine: breadth-first search over packed states.
 *
 * Visited states are 64-bit fingerprints in 256 open-addressing shards (linear probing,
 * grown by half when three quarters full, so the table holds 8 bytes a slot at a load of
 * 0.5 to 0.75).  The shards are partitioned among the threads by fingerprint: a thread owns
 * the states whose shard it owns, and only it inserts them, so no lock is taken.
 *
 * A level is processed in rounds.  In phase A each thread expands a contiguous slice of the
 * round's frontier and sorts its successors into one buffer per owner; in phase B each owner
 * deduplicates its buffers in thread order, which is frontier order, so the first parent to
 * reach a state is the one a sequential search would record; then the new states of every
 * owner are merged by (parent, action), which is the sequential generation order.  The search
 * tree, the counts and every trace are therefore the same for any number of threads, and the
 * same as the Python engine's.
 *
 * Per level the parent's index and the action of each new state are kept, bit-packed, so a
 * path is rebuilt backwards from any state; the states themselves are kept only for the
 * current and the next level. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define FSM_SHARDS 256
#define FSM_ROUND 4096       /* frontier states per thread per round */
#define FSM_CHUNK_BITS 15    /* states per chunk of a level's store: 32768 */
#define FSM_PREFETCH 16      /* candidates ahead whose table slot is prefetched */
#define FSM_RECENT_BITS 16   /* a thread's cache of fingerprints it emitted: 512 KiB */

enum { FSM_LIMIT_NONE, FSM_LIMIT_STATES, FSM_LIMIT_SECONDS, FSM_LIMIT_SIGNAL,
       FSM_LIMIT_MEMORY, FSM_LIMIT_ERROR, FSM_LIMIT_NOMEM };

typedef struct {
  int64_t max_states;
  double max_seconds;
  int64_t max_bytes;
  int threads;
  int symmetry;
  /* called about once a second from the searching thread, if set */
  void (*report)(int64_t generated, int64_t distinct, int64_t queue, int depth, double seconds);
} fsm_opts;

typedef struct {
  int64_t generated, distinct, queue;
  int depth, complete, limit, threads;
  double seconds;
  int64_t bytes, peak_bytes;       /* the engine's own allocations */
  int found_depth[64];
  int64_t found_index[64];
  int error, err_action, err_slot, err_value;
  int nw, bits;
} fsm_result;

/* -- accounted allocation --------------------------------------------------------------- */
static int64_t fsm_bytes_now, fsm_bytes_peak;
static pthread_mutex_t fsm_bytes_lock = PTHREAD_MUTEX_INITIALIZER;

static void fsm_account(int64_t d) {
  pthread_mutex_lock(&fsm_bytes_lock);
  fsm_bytes_now += d;
  if (fsm_bytes_now > fsm_bytes_peak) fsm_bytes_peak = fsm_bytes_now;
  pthread_mutex_unlock(&fsm_bytes_lock);
}

static void *fsm_calloc(size_t n, size_t size) {
  void *p = calloc(n ? n : 1, size);
  if (p) fsm_account((int64_t)(n * size));
  return p;
}

static void fsm_free_n(void *p, size_t bytes) {
  if (!p) return;
  free(p);
  fsm_account(-(int64_t)bytes);
}

/* Grow an array to hold at least `need` items (by half); 0 if out of memory. */
static int fsm_reserve(void **v, size_t *cap, size_t need, size_t item) {
  if (need <= *cap) return 1;
  size_t ncap = *cap ? *cap : 64;
  while (ncap < need) ncap += ncap / 2;
  void *p = realloc(*v, ncap * item);
  if (!p) return 0;
  fsm_account((int64_t)((ncap - *cap) * item));
  *v = p;
  *cap = ncap;
  return 1;
}

/* -- fingerprints and the visited table ----------------------------------------------- */
static inline uint64_t fsm_mix(uint64_t x) {    /* MurmurHash3's 64-bit finaliser */
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdull;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ull;
  x ^= x >> 33;
  return x;
}

static inline uint64_t fsm_fingerprint(const uint64_t *s) {
  uint64_t h = 0x9e3779b97f4a7c15ull * (FSM_NW + 1);
  for (int i = 0; i < FSM_NW; i++) h = fsm_mix(h ^ (s[i] + 0x9e3779b97f4a7c15ull * (i + 1)));
  return h ? h : 1;   /* 0 marks an empty slot */
}

typedef struct {
  uint64_t *slot;
  uint32_t cap, n;
} fsm_shard;

static inline uint32_t fsm_home(uint64_t h, uint32_t cap) {
  return (uint32_t)(((uint64_t)(uint32_t)h * cap) >> 32);
}

static int fsm_shard_grow(fsm_shard *sh) {
  uint32_t ncap = sh->cap ? sh->cap + sh->cap / 2 : 16;
  uint64_t *ns = fsm_calloc(ncap, sizeof(uint64_t));
  if (!ns) return 0;
  for (uint32_t i = 0; i < sh->cap; i++) {
    uint64_t h = sh->slot[i];
    if (!h) continue;
    uint32_t j = fsm_home(h, ncap);
    while (ns[j]) j = (j + 1 == ncap) ? 0 : j + 1;
    ns[j] = h;
  }
  fsm_free_n(sh->slot, (size_t)sh->cap * sizeof(uint64_t));
  sh->slot = ns;
  sh->cap = ncap;
  return 1;
}

/* 1 if h was new (and is now in), 0 if seen, -1 if out of memory. */
static inline int fsm_insert(fsm_shard *sh, uint64_t h) {
  if ((uint64_t)(sh->n + 1) * 4 > (uint64_t)sh->cap * 3 && !fsm_shard_grow(sh)) return -1;
  uint32_t j = fsm_home(h, sh->cap);
  for (;;) {
    uint64_t x = sh->slot[j];
    if (x == h) return 0;
    if (!x) break;
    j = (j + 1 == sh->cap) ? 0 : j + 1;
  }
  sh->slot[j] = h;
  sh->n++;
  return 1;
}

static inline int fsm_shard_of(uint64_t h) { return (int)(h >> 56); }

/* -- level storage ------------------------------------------------------------------------ */
typedef struct {
  uint64_t **chunk;
  size_t n, nchunks, capchunks;
} fsm_store;

static inline uint64_t *fsm_at(fsm_store *st, size_t i) {
  return st->chunk[i >> FSM_CHUNK_BITS] + (i & ((1u << FSM_CHUNK_BITS) - 1)) * FSM_NW;
}

static uint64_t *fsm_push_state(fsm_store *st) {
  if ((st->n >> FSM_CHUNK_BITS) >= st->nchunks) {
    if (!fsm_reserve((void **)&st->chunk, &st->capchunks, st->nchunks + 1, sizeof(void *)))
      return NULL;
    uint64_t *c = fsm_calloc((size_t)1 << FSM_CHUNK_BITS, sizeof(uint64_t) * FSM_NW);
    if (!c) return NULL;
    st->chunk[st->nchunks++] = c;
  }
  return fsm_at(st, st->n++);
}

static void fsm_store_free(fsm_store *st) {
  for (size_t i = 0; i < st->nchunks; i++)
    fsm_free_n(st->chunk[i], ((size_t)1 << FSM_CHUNK_BITS) * sizeof(uint64_t) * FSM_NW);
  fsm_free_n(st->chunk, st->capchunks * sizeof(void *));
  memset(st, 0, sizeof *st);
}

/* Per level: (parent index, action) of each state, bit-packed. */
typedef struct {
  uint64_t *bits;
  size_t n, capwords;
  int pbits, abits;
} fsm_level;

static int fsm_bits_for(uint64_t n) {    /* bits to hold 0 .. n-1 */
  int b = 0;
  while (b < 63 && ((uint64_t)1 << b) < n) b++;
  return b;
}

static int fsm_level_push(fsm_level *lv, uint64_t parent, uint64_t action) {
  int eb = lv->pbits + lv->abits;
  size_t bit = lv->n * (size_t)eb;
  if (!fsm_reserve((void **)&lv->bits, &lv->capwords, (bit + eb) / 64 + 2, sizeof(uint64_t)))
    return 0;
  uint64_t v = parent | (action << lv->pbits);
  size_t w = bit / 64, o = bit % 64;
  if (o == 0) lv->bits[w] = 0;
  lv->bits[w] |= v << o;
  if (o + eb > 64) lv->bits[w + 1] = v >> (64 - o);
  lv->n++;
  return 1;
}

static void fsm_level_get(const fsm_level *lv, size_t i, uint64_t *parent, uint64_t *action) {
  int eb = lv->pbits + lv->abits;
  size_t bit = i * (size_t)eb, w = bit / 64, o = bit % 64;
  uint64_t v = lv->bits[w] >> o;
  if (o + eb > 64) v |= lv->bits[w + 1] << (64 - o);
  if (eb < 64) v &= ((uint64_t)1 << eb) - 1;
  *parent = lv->pbits ? v & (((uint64_t)1 << lv->pbits) - 1) : 0;
  *action = v >> lv->pbits;
}

/* -- symmetry: exactly pycompile._canon ----------------------------------------------------
 * The generated fsm_canon compares records by keys (each record's fields concatenated, so
 * that integer order is Python's tuple order) and calls these only when something moves. */
#if FSM_NGROUPS > 0
/* Record i becomes the old record order[i]; the variables naming records follow (Ref). */
static void fsm_permute_group(int32_t *T, int g, const int *order) {
  const int n = FSM_GSIZE[g][0], len = FSM_GSIZE[g][1];
  int32_t old[FSM_GMAXREC][FSM_GMAXLEN];
  int inverse[FSM_GMAXREC];
  for (int i = 0; i < n; i++)
    for (int k = 0; k < len; k++) old[i][k] = T[FSM_GSLOT[g][i][k]];
  for (int i = 0; i < n; i++) {
    inverse[order[i]] = i;
    for (int k = 0; k < len; k++) T[FSM_GSLOT[g][i][k]] = old[order[i]][k];
  }
  for (int r = 0; r < FSM_NREFS; r++) {     /* Ref.rename */
    const int16_t *rf = FSM_REF[r];
    if (rf[0] != g || (rf[4] >= 0 && !(T[rf[4]] > rf[5]))) continue;
    int32_t v = T[rf[1]] - rf[2];
    if (v < 0 || v / rf[3] >= n) continue;
    T[rf[1]] = rf[2] + inverse[v / rf[3]] * rf[3] + v % rf[3];
  }
}
#endif

#if FSM_NPOOLS > 0
/* Slot a of pool p moves to m[a] (or is cleared, m[a] < 0); its holders follow. */
static void fsm_relabel_pool(int32_t *T, int p, const int *m) {
  const int nrec = FSM_POOLMETA[p][0], nhold = FSM_POOLMETA[p][1], none = FSM_POOLMETA[p][2];
  int32_t old[FSM_POOLREC][FSM_POOLRLEN];
  for (int i = 0; i < nrec; i++)
    for (int k = 0; k < FSM_POOLRLEN && FSM_POOL[p][i][k] >= 0; k++) {
      old[i][k] = T[FSM_POOL[p][i][k]];
      T[FSM_POOL[p][i][k]] = 0;
    }
  for (int a = 0; a < nrec; a++)
    if (m[a] >= 0)
      for (int k = 0; k < FSM_POOLRLEN && FSM_POOL[p][m[a]][k] >= 0; k++)
        T[FSM_POOL[p][m[a]][k]] = old[a][k];
  for (int k = 0; k < nhold; k++) {
    const int16_t *hd = FSM_HOLD[p][k];
    int32_t v = T[hd[0]];
    if (v != none && (hd[1] < 0 || T[hd[1]] == hd[2])) T[hd[0]] = m[v];
  }
}
#endif

/* -- the search ---------------------------------------------------------------------------- */
typedef struct fsm_run {
  fsm_opts o;
  int T;                      /* threads */
  fsm_worker w[FSM_MAXT];
  fsm_shard shard[FSM_SHARDS];
  fsm_store cur, next;
  fsm_level *levels;          /* levels[d]: states first reached at depth d (d >= 1) */
  size_t nlevels, caplevels;
  size_t round_start, round_len;
  int quit, stop;
  pthread_barrier_t bar;
  fsm_result *r;
} fsm_run;

static volatile sig_atomic_t fsm_signalled;
static void fsm_on_signal(int sig) { (void)sig; fsm_signalled = 1; }

static void fsm_spec_error(fsm_worker *w, int kind, int slot, int value) {
  if (w->error) return;
  w->error = kind;
  w->err_action = w->action;
  w->err_slot = slot;
  w->err_value = value;
}

static inline int fsm_owner(const fsm_run *run, uint64_t h) {
  return fsm_shard_of(h) % run->T;
}

static void fsm_emit(fsm_worker *w, int ai, int32_t *T, uint64_t *t) {
  if (w->run == NULL || w->run->o.symmetry) {
    if (fsm_canon(T)) fsm_pack(T, t);
  }
  w->generated++;
  if (w->capture) {
    if (w->ncaptured < w->maxcapture) {
      memcpy(w->cap_states + (size_t)w->ncaptured * FSM_NVARS, T, sizeof(int32_t) * FSM_NVARS);
      w->cap_actions[w->ncaptured] = ai;
    }
    w->ncaptured++;
    return;
  }
  uint64_t h = fsm_fingerprint(t);
  /* A state this thread emitted before is visited, or will be when its owner takes the
   * earlier candidate, which comes first in frontier order: dropping it changes nothing. */
  uint64_t *seen = &w->recent[h & ((1u << FSM_RECENT_BITS) - 1)];
  if (*seen == h) return;
  *seen = h;
  fsm_cbuf *b = &w->out[fsm_owner(w->run, h)];
  if (!fsm_reserve((void **)&b->v, &b->cap, b->n + 1, sizeof(fsm_cand))) {
    fsm_spec_error(w, 3, -1, 0);
    return;
  }
  fsm_cand *c = &b->v[b->n++];
  c->h = h;
  c->parent = w->parent;
  c->action = (uint32_t)ai;
  memcpy(c->s, t, sizeof(uint64_t) * FSM_NW);
}

/* Phase A: expand this thread's slice of the round. */
static void fsm_phase_expand(fsm_run *run, fsm_worker *w) {
  size_t per = (run->round_len + run->T - 1) / run->T;
  size_t lo = run->round_start + per * w->id;
  size_t hi = lo + per;
  if (hi > run->round_start + run->round_len) hi = run->round_start + run->round_len;
  int32_t S[FSM_NVARS + 1];
  for (size_t i = lo; i < hi; i++) {
    const uint64_t *s = fsm_at(&run->cur, i);
    fsm_unpack(s, S);
    w->parent = (uint32_t)i;
    fsm_successors(w, s, S);
  }
}

/* Phase B: deduplicate, in thread order, the candidates this thread owns. */
static void fsm_phase_dedup(fsm_run *run, fsm_worker *w) {
  int32_t S[FSM_NVARS + 1];
  w->fresh.n = 0;
  for (int k = 0; k < run->T; k++) {
    fsm_cbuf *b = &run->w[k].out[w->id];
    for (size_t i = 0; i < b->n; i++) {
      const fsm_cand *c = &b->v[i];
      if (i + FSM_PREFETCH < b->n) {   /* the table is far larger than the caches */
        const uint64_t h = b->v[i + FSM_PREFETCH].h;
        const fsm_shard *sh = &run->shard[fsm_shard_of(h)];
        if (sh->cap) __builtin_prefetch(&sh->slot[fsm_home(h, sh->cap)]);
      }
      int r = fsm_insert(&run->shard[fsm_shard_of(c->h)], c->h);
      if (r < 0) { fsm_spec_error(w, 3, -1, 0); return; }
      if (!r) continue;
      if (!fsm_reserve((void **)&w->fresh.v, &w->fresh.cap, w->fresh.n + 1, sizeof(fsm_new))) {
        fsm_spec_error(w, 3, -1, 0);
        return;
      }
      fsm_unpack(c->s, S);
      w->fresh.v[w->fresh.n].c = c;
      w->fresh.v[w->fresh.n].bad = (uint32_t)fsm_violated(S);
      w->fresh.n++;
    }
  }
}

static inline int fsm_before(const fsm_cand *a, const fsm_cand *b) {
  return a->parent != b->parent ? a->parent < b->parent : a->action < b->action;
}

/* Merge every owner's new states in generation order into the next level. */
static int fsm_merge(fsm_run *run) {
  fsm_level *lv = &run->levels[run->nlevels - 1];
  size_t pos[FSM_MAXT] = {0};
  for (;;) {
    int best = -1;
    for (int k = 0; k < run->T; k++)
      if (pos[k] < run->w[k].fresh.n &&
          (best < 0 || fsm_before(run->w[k].fresh.v[pos[k]].c, run->w[best].fresh.v[pos[best]].c)))
        best = k;
    if (best < 0) break;
    const fsm_new *nw = &run->w[best].fresh.v[pos[best]++];
    size_t index = run->next.n;
    uint64_t *dst = fsm_push_state(&run->next);
    if (!dst || !fsm_level_push(lv, nw->c->parent, nw->c->action)) return 0;
    memcpy(dst, nw->c->s, sizeof(uint64_t) * FSM_NW);
    for (int p = 0; p < FSM_NPROPS; p++)
      if ((nw->bad >> p) & 1 && run->r->found_depth[p] < 0) {
        run->r->found_depth[p] = (int)run->nlevels;
        run->r->found_index[p] = (int64_t)index;
      }
  }
  for (int k = 0; k < run->T; k++)
    for (int o = 0; o < run->T; o++) run->w[k].out[o].n = 0;
  return 1;
}

static void *fsm_thread(void *arg) {
  fsm_worker *w = arg;
  fsm_run *run = w->run;
  for (;;) {
    pthread_barrier_wait(&run->bar);
    if (run->quit) break;
    fsm_phase_expand(run, w);
    pthread_barrier_wait(&run->bar);
    fsm_phase_dedup(run, w);
    pthread_barrier_wait(&run->bar);
  }
  return NULL;
}

static double fsm_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int64_t fsm_distinct(const fsm_run *run) {
  int64_t n = 0;
  for (int i = 0; i < FSM_SHARDS; i++) n += run->shard[i].n;
  return n;
}

static int64_t fsm_generated(const fsm_run *run) {
  int64_t n = 0;
  for (int k = 0; k < run->T; k++) n += run->w[k].generated;
  return n;
}

static void fsm_report(const fsm_opts *o, fsm_run *run, double start, int64_t queue) {
  o->report(fsm_generated(run), fsm_distinct(run), queue, (int)run->nlevels, fsm_now() - start);
}

/* The first error any worker met, into the result; 1 if there was one. */
static int fsm_take_error(fsm_run *run) {
  for (int k = 0; k < run->T; k++)
    if (run->w[k].error) {
      run->r->error = run->w[k].error;
      run->r->err_action = run->w[k].err_action;
      run->r->err_slot = run->w[k].err_slot;
      run->r->err_value = run->w[k].err_value;
      return 1;
    }
  return 0;
}

static int fsm_limit(fsm_run *run, double start) {
  if (fsm_take_error(run)) return run->r->error == 3 ? FSM_LIMIT_NOMEM : FSM_LIMIT_ERROR;
  if (fsm_signalled) return FSM_LIMIT_SIGNAL;
  if (run->o.max_states && fsm_distinct(run) >= run->o.max_states) return FSM_LIMIT_STATES;
  if (run->o.max_seconds > 0 && fsm_now() - start >= run->o.max_seconds) return FSM_LIMIT_SECONDS;
  if (run->o.max_bytes && fsm_bytes_now >= run->o.max_bytes) return FSM_LIMIT_MEMORY;
  return FSM_LIMIT_NONE;
}

static int fsm_all_found(const fsm_result *r) {
  for (int p = 0; p < FSM_NPROPS; p++)
    if (r->found_depth[p] < 0) return 0;
  return 1;
}

/* Run the search; returns the run (for fsm_path), to be released with fsm_release. */
void *fsm_search(const fsm_opts *o, fsm_result *r) {
  fsm_run *run = fsm_calloc(1, sizeof(fsm_run));
  memset(r, 0, sizeof *r);
  r->nw = FSM_NW;
  for (int p = 0; p < 64; p++) r->found_depth[p] = -1;
  if (!run) { r->limit = FSM_LIMIT_NOMEM; return NULL; }
  run->o = *o;
  run->T = o->threads < 1 ? 1 : o->threads > FSM_MAXT ? FSM_MAXT : o->threads;
  run->r = r;
  r->threads = run->T;
  for (int k = 0; k < run->T; k++) {
    run->w[k].id = k;
    run->w[k].run = run;
    run->w[k].recent = fsm_calloc((size_t)1 << FSM_RECENT_BITS, sizeof(uint64_t));
    if (!run->w[k].recent) { r->limit = FSM_LIMIT_NOMEM; return run; }
  }
  struct sigaction sa, old_int, old_term;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = fsm_on_signal;
  fsm_signalled = 0;
  sigaction(SIGINT, &sa, &old_int);
  sigaction(SIGTERM, &sa, &old_term);
  double start = fsm_now(), last = start;
  const int64_t base_bytes = fsm_bytes_now;
  fsm_bytes_peak = base_bytes;

  uint64_t init[FSM_NW];
  fsm_pack(FSM_INIT, init);
  int bad0 = fsm_violated(FSM_INIT);
  for (int p = 0; p < FSM_NPROPS; p++)
    if ((bad0 >> p) & 1) { r->found_depth[p] = 0; r->found_index[p] = 0; }
  uint64_t h0 = fsm_fingerprint(init);
  uint64_t *s0 = fsm_push_state(&run->cur);
  int limit = (!s0 || fsm_insert(&run->shard[fsm_shard_of(h0)], h0) < 0) ? FSM_LIMIT_NOMEM : 0;
  if (s0) memcpy(s0, init, sizeof init);

  pthread_t th[FSM_MAXT];
  pthread_barrier_init(&run->bar, NULL, (unsigned)run->T);
  for (int k = 1; k < run->T; k++) pthread_create(&th[k], NULL, fsm_thread, &run->w[k]);

  while (!limit && run->cur.n && !fsm_all_found(r)) {
    if (!fsm_reserve((void **)&run->levels, &run->caplevels, run->nlevels + 1, sizeof(fsm_level)))
      { limit = FSM_LIMIT_NOMEM; break; }
    fsm_level *lv = &run->levels[run->nlevels++];
    memset(lv, 0, sizeof *lv);
    lv->pbits = fsm_bits_for(run->cur.n);
    lv->abits = fsm_bits_for(FSM_NACTIONS);
    for (size_t at = 0; at < run->cur.n && !limit;) {
      run->round_start = at;
      run->round_len = run->cur.n - at < (size_t)FSM_ROUND * run->T
                           ? run->cur.n - at : (size_t)FSM_ROUND * run->T;
      at += run->round_len;
      pthread_barrier_wait(&run->bar);
      fsm_phase_expand(run, &run->w[0]);
      pthread_barrier_wait(&run->bar);
      fsm_phase_dedup(run, &run->w[0]);
      pthread_barrier_wait(&run->bar);
      if (!fsm_merge(run)) { limit = FSM_LIMIT_NOMEM; break; }
      limit = fsm_limit(run, start);
      double now = fsm_now();
      if (o->report && now - last >= 1.0) {
        last = now;
        fsm_report(o, run, start, (int64_t)(run->cur.n - at + run->next.n));
      }
    }
    if (!run->next.n) run->nlevels--;          /* the last level found nothing new */
    fsm_store_free(&run->cur);
    run->cur = run->next;
    memset(&run->next, 0, sizeof run->next);
  }
  run->quit = 1;
  pthread_barrier_wait(&run->bar);
  for (int k = 1; k < run->T; k++) pthread_join(th[k], NULL);
  pthread_barrier_destroy(&run->bar);
  sigaction(SIGINT, &old_int, NULL);
  sigaction(SIGTERM, &old_term, NULL);

  r->seconds = fsm_now() - start;
  r->generated = fsm_generated(run);
  r->distinct = fsm_distinct(run);
  r->queue = (int64_t)run->cur.n;
  r->depth = (int)run->nlevels;
  r->limit = limit;
  r->complete = !limit && run->cur.n == 0;
  r->peak_bytes = fsm_bytes_peak - base_bytes;
  if (o->report && r->seconds >= 1.0) fsm_report(o, run, start, r->queue);
  /* what the search no longer needs: only the levels are kept for the paths */
  fsm_store_free(&run->cur);
  for (int k = 0; k < run->T; k++) {
    for (int q = 0; q < FSM_MAXT; q++)
      fsm_free_n(run->w[k].out[q].v, run->w[k].out[q].cap * sizeof(fsm_cand));
    fsm_free_n(run->w[k].fresh.v, run->w[k].fresh.cap * sizeof(fsm_new));
    fsm_free_n(run->w[k].recent, ((size_t)1 << FSM_RECENT_BITS) * sizeof(uint64_t));
    run->w[k].recent = NULL;
    memset(run->w[k].out, 0, sizeof run->w[k].out);
    memset(&run->w[k].fresh, 0, sizeof run->w[k].fresh);
  }
  for (int i = 0; i < FSM_SHARDS; i++) {
    fsm_free_n(run->shard[i].slot, (size_t)run->shard[i].cap * sizeof(uint64_t));
    run->shard[i].slot = NULL;
  }
  r->bytes = fsm_bytes_now - base_bytes;
  return run;
}

/* The actions from the initial state to the first state violating property p. */
int fsm_path(void *handle, int p, int32_t *actions) {
  fsm_run *run = handle;
  int d = run->r->found_depth[p];
  if (d < 0) return -1;
  uint64_t i = (uint64_t)run->r->found_index[p];
  for (int l = d; l >= 1; l--) {
    uint64_t parent, action;
    fsm_level_get(&run->levels[l - 1], i, &parent, &action);
    actions[l - 1] = (int32_t)action;
    i = parent;
  }
  return d;
}

void fsm_release(void *handle) {
  fsm_run *run = handle;
  if (!run) return;
  for (size_t l = 0; l < run->nlevels; l++)
    fsm_free_n(run->levels[l].bits, run->levels[l].capwords * sizeof(uint64_t));
  fsm_free_n(run->levels, run->caplevels * sizeof(fsm_level));
  fsm_free_n(run, sizeof(fsm_run));
}

/* Tests: the successors of one state, as the search generates them. */
int fsm_successors_of(const int32_t *S, int symmetry, int32_t *states, int32_t *acts, int max) {
  fsm_run run;
  memset(&run, 0, sizeof run);
  run.o.symmetry = symmetry;
  fsm_worker w;
  memset(&w, 0, sizeof w);
  w.run = &run;
  w.capture = 1;
  w.maxcapture = max;
  w.cap_states = states;
  w.cap_actions = acts;
  uint64_t s[FSM_NW];
  int32_t V[FSM_NVARS + 1];
  memcpy(V, S, sizeof(int32_t) * FSM_NVARS);
  fsm_pack(V, s);
  fsm_successors(&w, s, V);
  return w.error ? -w.error : w.ncaptured;
}

int fsm_canon_of(int32_t *S) { return fsm_canon(S); }

int fsm_layout(int *nw) { *nw = FSM_NW; return FSM_NVARS; }
