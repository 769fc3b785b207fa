/*
 * glspin: a small OpenGL ES 2 program for benchmarks. It renders an animated full-screen scene
 * OFF-SCREEN through EGL (on the GPU when EGL's device platform offers one: no X GLX needed) and
 * puts each frame into a full-screen X window with MIT-SHM, the way VirtualGL's EGL back end does.
 * Every frame changes the whole screen: the worst case for the video encoder.
 *
 *   glspin [--fps N] [--stats FILE]
 *     --fps N       frames per second to aim for (0: as fast as possible; default 60)
 *     --stats FILE  append one JSON line per second: frames, fps and where the time went
 *
 * Build: cc -O2 -o glspin glspin.c -lEGL -lGLESv2 -lX11 -lXext
 */
#define _GNU_SOURCE
#include <EGL/egl.h>
#include <EGL/eglext.h>
#include <GLES2/gl2.h>
#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <X11/extensions/XShm.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <time.h>

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(const char *what) {
  fprintf(stderr, "glspin: %s\n", what);
  exit(1);
}

/* The first EGL device (the NVIDIA GPU where only its vendor file is given), else the default display. */
static EGLDisplay open_egl(const char **how) {
  PFNEGLQUERYDEVICESEXTPROC query = (PFNEGLQUERYDEVICESEXTPROC)eglGetProcAddress("eglQueryDevicesEXT");
  PFNEGLGETPLATFORMDISPLAYEXTPROC platform =
      (PFNEGLGETPLATFORMDISPLAYEXTPROC)eglGetProcAddress("eglGetPlatformDisplayEXT");
  EGLDeviceEXT devices[8];
  EGLint count = 0;
  if (query && platform && query(8, devices, &count) && count > 0) {
    for (EGLint i = 0; i < count; i++) {
      EGLDisplay d = platform(EGL_PLATFORM_DEVICE_EXT, devices[i], NULL);
      if (d != EGL_NO_DISPLAY && eglInitialize(d, NULL, NULL)) {
        *how = "EGL device platform";
        return d;
      }
    }
  }
  EGLDisplay d = eglGetDisplay(EGL_DEFAULT_DISPLAY);
  if (d == EGL_NO_DISPLAY || !eglInitialize(d, NULL, NULL)) die("no EGL display");
  *how = "EGL default display";
  return d;
}

static GLuint shader(GLenum type, const char *src) {
  GLuint s = glCreateShader(type);
  glShaderSource(s, 1, &src, NULL);
  glCompileShader(s);
  GLint ok = 0;
  glGetShaderiv(s, GL_COMPILE_STATUS, &ok);
  if (!ok) {
    char log[1024];
    glGetShaderInfoLog(s, sizeof log, NULL, log);
    fprintf(stderr, "glspin: shader: %s\n", log);
    exit(1);
  }
  return s;
}

static const char *VS = "attribute vec2 p; void main() { gl_Position = vec4(p, 0.0, 1.0); }";
/* A moving plasma with a spinning bright bar; written as BGRA so the read-back bytes are X's BGRX. */
static const char *FS =
    "precision highp float; uniform float t; uniform vec2 size;\n"
    "void main() {\n"
    "  vec2 uv = gl_FragCoord.xy / size.y;\n"
    "  float v = sin(uv.x * 9.0 + t) + sin((uv.y * 7.0 + t) * 1.3) + sin((uv.x + uv.y) * 6.0 - t * 1.7);\n"
    "  vec3 c = 0.5 + 0.5 * cos(vec3(0.0, 2.1, 4.2) + v * 2.0);\n"
    "  vec2 d = uv - vec2(0.5 * size.x / size.y, 0.5);\n"
    "  float a = t * 1.5; vec2 r = mat2(cos(a), -sin(a), sin(a), cos(a)) * d;\n"
    "  if (abs(r.x) < 0.3 && abs(r.y) < 0.03) c = vec3(1.0);\n"
    "  gl_FragColor = vec4(c.b, c.g, c.r, 1.0);\n"
    "}\n";

int main(int argc, char **argv) {
  double fps = 60;
  const char *stats_path = NULL;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--fps") && i + 1 < argc) fps = atof(argv[++i]);
    else if (!strcmp(argv[i], "--stats") && i + 1 < argc) stats_path = argv[++i];
    else die("usage: glspin [--fps N] [--stats FILE]");
  }
  Display *x = XOpenDisplay(NULL);
  if (!x) die("cannot open the X display (DISPLAY unset?)");
  int screen = DefaultScreen(x);
  int w = DisplayWidth(x, screen), h = DisplayHeight(x, screen);
  if (!XShmQueryExtension(x)) die("the X server has no MIT-SHM");
  Window win = XCreateSimpleWindow(x, RootWindow(x, screen), 0, 0, w, h, 0, 0, 0);
  XStoreName(x, win, "glspin");
  XMapWindow(x, win);
  GC gc = XCreateGC(x, win, 0, NULL);
  XShmSegmentInfo shm;
  XImage *img = XShmCreateImage(x, DefaultVisual(x, screen), 24, ZPixmap, NULL, &shm, w, h);
  if (!img || img->bits_per_pixel != 32) die("need a 24-bit TrueColor visual with 32 bits per pixel");
  shm.shmid = shmget(IPC_PRIVATE, (size_t)img->bytes_per_line * h, IPC_CREAT | 0600);
  shm.shmaddr = img->data = shmat(shm.shmid, NULL, 0);
  shm.readOnly = False;
  if (!XShmAttach(x, &shm)) die("XShmAttach failed");
  XSync(x, False);
  shmctl(shm.shmid, IPC_RMID, NULL); /* freed once both sides detach, even on a crash */

  const char *how;
  EGLDisplay egl = open_egl(&how);
  EGLint cfg_attr[] = {EGL_SURFACE_TYPE, EGL_PBUFFER_BIT, EGL_RED_SIZE, 8, EGL_GREEN_SIZE, 8,
                       EGL_BLUE_SIZE, 8, EGL_ALPHA_SIZE, 8, EGL_RENDERABLE_TYPE, EGL_OPENGL_ES2_BIT, EGL_NONE};
  EGLConfig cfg;
  EGLint n = 0;
  if (!eglChooseConfig(egl, cfg_attr, &cfg, 1, &n) || n < 1) die("no EGL pbuffer config");
  EGLint pb_attr[] = {EGL_WIDTH, w, EGL_HEIGHT, h, EGL_NONE};
  EGLSurface surf = eglCreatePbufferSurface(egl, cfg, pb_attr);
  if (surf == EGL_NO_SURFACE) die("cannot create the EGL pbuffer");
  eglBindAPI(EGL_OPENGL_ES_API);
  EGLint ctx_attr[] = {EGL_CONTEXT_CLIENT_VERSION, 2, EGL_NONE};
  EGLContext ctx = eglCreateContext(egl, cfg, EGL_NO_CONTEXT, ctx_attr);
  if (ctx == EGL_NO_CONTEXT || !eglMakeCurrent(egl, surf, surf, ctx)) die("cannot make the GL context current");

  GLuint prog = glCreateProgram();
  glAttachShader(prog, shader(GL_VERTEX_SHADER, VS));
  glAttachShader(prog, shader(GL_FRAGMENT_SHADER, FS));
  glBindAttribLocation(prog, 0, "p");
  glLinkProgram(prog);
  glUseProgram(prog);
  static const GLfloat quad[] = {-1, -1, 1, -1, -1, 1, 1, 1};
  glVertexAttribPointer(0, 2, GL_FLOAT, GL_FALSE, 0, quad);
  glEnableVertexAttribArray(0);
  GLint t_loc = glGetUniformLocation(prog, "t"), size_loc = glGetUniformLocation(prog, "size");
  glUniform2f(size_loc, (float)w, (float)h);
  glViewport(0, 0, w, h);

  FILE *stats = stats_path ? fopen(stats_path, "a") : NULL;
  if (stats_path && !stats) die("cannot open the stats file");
  if (stats) {
    fprintf(stats, "{\"renderer\":\"%s\",\"vendor\":\"%s\",\"egl\":\"%s\",\"eglVendor\":\"%s\",\"width\":%d,\"height\":%d}\n",
            (const char *)glGetString(GL_RENDERER), (const char *)glGetString(GL_VENDOR), how,
            eglQueryString(egl, EGL_VENDOR), w, h);
    fflush(stats);
  }
  double start = now(), next = start, window_start = start;
  double render = 0, readback = 0, put = 0;
  long frames = 0;
  for (;;) {
    double t0 = now();
    glUniform1f(t_loc, (float)(t0 - start));
    glDrawArrays(GL_TRIANGLE_STRIP, 0, 4);
    glFinish();
    double t1 = now();
    glReadPixels(0, 0, w, h, GL_RGBA, GL_UNSIGNED_BYTE, img->data);
    double t2 = now();
    XShmPutImage(x, win, gc, img, 0, 0, 0, 0, w, h, False);
    XSync(x, False);
    double t3 = now();
    render += t1 - t0, readback += t2 - t1, put += t3 - t2, frames++;
    if (t3 - window_start >= 1.0) {
      if (stats) {
        double s = t3 - window_start;
        fprintf(stats, "{\"t\":%.3f,\"frames\":%ld,\"fps\":%.2f,\"renderMs\":%.3f,\"readbackMs\":%.3f,\"putMs\":%.3f}\n",
                t3 - start, frames, frames / s, render * 1e3 / frames, readback * 1e3 / frames, put * 1e3 / frames);
        fflush(stats);
      }
      window_start = t3, frames = 0, render = readback = put = 0;
    }
    if (fps > 0) {
      next += 1.0 / fps;
      double wait = next - now();
      if (wait > 0) {
        struct timespec ts = {(time_t)wait, (long)((wait - (time_t)wait) * 1e9)};
        nanosleep(&ts, NULL);
      } else if (wait < -0.5) {
        next = now(); /* far behind: do not burst to catch up */
      }
    }
  }
}
