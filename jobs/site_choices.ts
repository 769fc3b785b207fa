/**
 * The site config's `choices:` section: what launch forms offer users beyond the limits (screen sizes,
 * applications, GPU types). The Open OnDemand app's form (examples/ood/selkies-hpc/form.yml.erb) reads the same
 * file in Ruby; this schema is what `selkies-hpc` itself checks, so a typo fails loudly on the nodes too.
 *
 * @module
 */
import { z } from "zod";
import { SCREEN_RANGE, screenSizeAllowed } from "../protocol/screen.ts";

const GEOMETRY = /^(\d{1,5})x(\d{1,5})$/;

/** A `WIDTHxHEIGHT` screen size the streamer accepts. */
const geometry = z.string().refine((g) => {
  const m = GEOMETRY.exec(g);
  return !!m && screenSizeAllowed({ width: Number(m[1]), height: Number(m[2]) });
}, `must be WIDTHxHEIGHT with ${SCREEN_RANGE}`);

/** One application a form offers: shown as `label`, run full-screen with `command`. */
export const AppChoiceSchema = z.object({
  /** What the user sees, e.g. `ParaView`. */
  label: z.string().min(1).max(100),
  /** The command the session runs instead of a desktop (`--app`), e.g. `paraview`. */
  command: z.string().min(1).max(4096),
}).strict();

/** Schema of `choices:` in `/etc/selkies-hpc/site.yaml`. */
export const SiteChoicesSchema = z.object({
  /** Screen sizes to pick from, first is the default. */
  geometries: z.array(geometry).min(1).optional(),
  /** Applications to pick from (a desktop is always offered first). */
  apps: z.array(AppChoiceSchema).optional(),
  /** GPU types (SLURM GRES types, e.g. `a100`); empty or absent: any GPU, no type picker. */
  gpuTypes: z.array(z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, "must be a SLURM GRES type name")).optional(),
}).strict();

/** What launch forms offer, as the site configured it. */
export type SiteChoices = z.output<typeof SiteChoicesSchema>;
