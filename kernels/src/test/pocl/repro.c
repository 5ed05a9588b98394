/*
 * repro.c — minimal reproducer of the PoCL defect that crashed Plumbline's OpenCL tests (issue 13).
 *
 * Runs kernel "softmax_fwd" of conditional-barrier.cl (common.cl from the kernels' resources
 * prepended) with ROWS work-groups of WG items. That kernel is valid OpenCL: its only branch
 * depends on a kernel argument, so every work-item of a group takes the same arm, and each arm
 * holds one barrier. PoCL 3.1 (Debian 12's pocl-opencl-icd 3.1-3+deb12u1, LLVM 15) with its default
 * work-group method ("loopvec") compiles it into a work-group function that segfaults when the
 * else-arm runs; Oclgrind runs it without a report. See README.md here.
 *
 *   gcc -O1 repro.c -o repro -lOpenCL -lm   (needs ocl-icd-opencl-dev)
 *   POCL_DEVICES=basic ./repro DIR ROWS V LOGM WG
 */
#define CL_TARGET_OPENCL_VERSION 120
#include <CL/cl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
static char *slurp(const char *p){FILE*f=fopen(p,"rb");fseek(f,0,2);long n=ftell(f);rewind(f);char*b=malloc(n+1);fread(b,1,n,f);b[n]=0;fclose(f);return b;}
int main(int argc,char**argv){
  const char *dir=argv[1]; int rows=atoi(argv[2]), v=atoi(argv[3]), logm=atoi(argv[4]); const char* wgs = argc>5?argv[5]:"256";
  char p1[512],p2[512]; sprintf(p1,"%s/common.cl",dir); sprintf(p2,"%s/conditional-barrier.cl",dir);
  const char *src[2]={slurp(p1),slurp(p2)};
  cl_platform_id pl; cl_device_id dev; cl_int e;
  clGetPlatformIDs(1,&pl,NULL); clGetDeviceIDs(pl,CL_DEVICE_TYPE_ALL,1,&dev,NULL);
  char name[256]; clGetDeviceInfo(dev,CL_DEVICE_NAME,256,name,NULL);
  cl_context ctx=clCreateContext(NULL,1,&dev,NULL,NULL,&e);
  cl_command_queue q=clCreateCommandQueue(ctx,dev,0,&e);
  cl_program pr=clCreateProgramWithSource(ctx,2,src,NULL,&e);
  char opts[64]; sprintf(opts,"-DWG=%s",wgs); int wg=atoi(wgs);
  e=clBuildProgram(pr,1,&dev,opts,NULL,NULL);
  if(e){char log[20000];clGetProgramBuildInfo(pr,dev,CL_PROGRAM_BUILD_LOG,20000,log,NULL);printf("build %d\n%s\n",e,log);return 1;}
  cl_kernel k=clCreateKernel(pr,"softmax_fwd",&e);
  size_t n=(size_t)rows*v; float*h=malloc(4*n); for(size_t i=0;i<n;i++) h[i]=(float)((i*37)%11)/7.f;
  cl_mem x=clCreateBuffer(ctx,CL_MEM_READ_WRITE|CL_MEM_COPY_HOST_PTR,4*n,h,&e);
  cl_mem o=clCreateBuffer(ctx,CL_MEM_READ_WRITE,4*n,NULL,&e);
  int zero=0;
  clSetKernelArg(k,0,sizeof(cl_mem),&x); clSetKernelArg(k,1,4,&zero);
  clSetKernelArg(k,2,sizeof(cl_mem),&o); clSetKernelArg(k,3,4,&zero);
  clSetKernelArg(k,4,4,&v); clSetKernelArg(k,5,4,&logm);
  size_t g=(size_t)rows*wg, l=wg;
  e=clEnqueueNDRangeKernel(q,k,1,NULL,&g,&l,0,NULL,NULL); 
  e|=clFinish(q);
  clEnqueueReadBuffer(q,o,CL_TRUE,0,4*n,h,0,NULL,NULL);
  double s=0; for(int j=0;j<v;j++) s+= logm? __builtin_exp(h[j]) : h[j];
  printf("%s rows=%d v=%d log=%d wg=%d err=%d row0 sum=%.6f\n",name,rows,v,logm,wg,e,s);
  return 0;}
